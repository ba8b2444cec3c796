package dev.ballast.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.ServiceStatus;

/**
 * A service. {@code spec} holds the ECS configuration members echoed by DescribeServices
 * (deploymentConfiguration, launchType, placement, networkConfiguration, …).
 */
public record ServiceRow(
        String arn,
        String cluster,
        String clusterArn,
        String name,
        String status,
        int desiredCount,
        String taskDefinitionArn,
        ObjectNode spec,
        String clientToken,
        long createdAt,
        boolean forceDelete) {
    public ServiceRow withStatus(String s) {
        return new ServiceRow(
                arn,
                cluster,
                clusterArn,
                name,
                s,
                desiredCount,
                taskDefinitionArn,
                spec,
                clientToken,
                createdAt,
                forceDelete);
    }

    public ServiceRow withDesired(int count) {
        return new ServiceRow(
                arn,
                cluster,
                clusterArn,
                name,
                status,
                count,
                taskDefinitionArn,
                spec,
                clientToken,
                createdAt,
                forceDelete);
    }

    public ServiceRow withTaskDefinition(String td, ObjectNode newSpec) {
        return new ServiceRow(
                arn, cluster, clusterArn, name, status, desiredCount, td, newSpec, clientToken, createdAt, forceDelete);
    }

    public ServiceRow deleting(boolean force) {
        return new ServiceRow(
                arn,
                cluster,
                clusterArn,
                name,
                ServiceStatus.DRAINING.wire(),
                0,
                taskDefinitionArn,
                spec,
                clientToken,
                createdAt,
                force);
    }
}
