package dev.ballast.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.ModelJson;
import dev.ballast.model.DeploymentConfiguration;
import dev.ballast.model.DeploymentStatus;

/**
 * A service deployment. {@code status} is PRIMARY/ACTIVE/INACTIVE (Service.deployments), {@code rolloutState}
 * IN_PROGRESS/COMPLETED/FAILED, {@code lifecycle} the ServiceDeploymentStatus (PENDING, IN_PROGRESS,
 * SUCCESSFUL, STOPPED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED).
 */
public record DeploymentRow(
        String id,
        String arn,
        String serviceArn,
        String clusterArn,
        String revisionArn,
        String taskDefinitionArn,
        String status,
        String rolloutState,
        String rolloutStateReason,
        String lifecycle,
        int desiredCount,
        int failedTasks,
        ObjectNode deploymentConfiguration,
        String sourceRevisionArn,
        String rollbackOf,
        long createdAt,
        Long startedAt,
        Long finishedAt,
        LaunchFailures launchFailures,
        boolean steady) {
    /**
     * {@code failedTasks} counts every task of the deployment that failed to start or failed its health checks
     * (kept when the stopped tasks are purged); {@code launchFailures} the consecutive ones the launch back-off
     * counts; {@code steady} whether the "has reached a steady state" event was sent for the current state.
     */
    public DeploymentRow {
        launchFailures = launchFailures == null ? LaunchFailures.NONE : launchFailures;
    }

    /** {@link #deploymentConfiguration()} typed, with ECS's defaults for what it leaves out. */
    public DeploymentConfiguration configuration() {
        return ModelJson.deploymentConfiguration(deploymentConfiguration);
    }

    /** A new deployment: no failures counted, not steady. */
    public DeploymentRow(
            String id,
            String arn,
            String serviceArn,
            String clusterArn,
            String revisionArn,
            String taskDefinitionArn,
            String status,
            String rolloutState,
            String rolloutStateReason,
            String lifecycle,
            int desiredCount,
            int failedTasks,
            ObjectNode deploymentConfiguration,
            String sourceRevisionArn,
            String rollbackOf,
            long createdAt,
            Long startedAt,
            Long finishedAt) {
        this(
                id,
                arn,
                serviceArn,
                clusterArn,
                revisionArn,
                taskDefinitionArn,
                status,
                rolloutState,
                rolloutStateReason,
                lifecycle,
                desiredCount,
                failedTasks,
                deploymentConfiguration,
                sourceRevisionArn,
                rollbackOf,
                createdAt,
                startedAt,
                finishedAt,
                LaunchFailures.NONE,
                false);
    }

    public DeploymentRow with(String newStatus, String newRollout, String reason, String newLifecycle, Long finished) {
        return new DeploymentRow(
                id,
                arn,
                serviceArn,
                clusterArn,
                revisionArn,
                taskDefinitionArn,
                newStatus,
                newRollout,
                reason,
                newLifecycle,
                desiredCount,
                failedTasks,
                deploymentConfiguration,
                sourceRevisionArn,
                rollbackOf,
                createdAt,
                startedAt,
                finished,
                launchFailures,
                steady);
    }

    public DeploymentRow withDesired(int count) {
        return new DeploymentRow(
                id,
                arn,
                serviceArn,
                clusterArn,
                revisionArn,
                taskDefinitionArn,
                status,
                rolloutState,
                rolloutStateReason,
                lifecycle,
                count,
                failedTasks,
                deploymentConfiguration,
                sourceRevisionArn,
                rollbackOf,
                createdAt,
                startedAt,
                finishedAt,
                launchFailures,
                steady);
    }

    /** This deployment with {@code failed} failed tasks in all and the back-off's count of consecutive ones. */
    public DeploymentRow withFailures(int failed, LaunchFailures consecutive) {
        return new DeploymentRow(
                id,
                arn,
                serviceArn,
                clusterArn,
                revisionArn,
                taskDefinitionArn,
                status,
                rolloutState,
                rolloutStateReason,
                lifecycle,
                desiredCount,
                failed,
                deploymentConfiguration,
                sourceRevisionArn,
                rollbackOf,
                createdAt,
                startedAt,
                finishedAt,
                consecutive,
                steady);
    }

    /** This deployment marked (not) at a steady state. */
    public DeploymentRow withSteady(boolean now) {
        return new DeploymentRow(
                id,
                arn,
                serviceArn,
                clusterArn,
                revisionArn,
                taskDefinitionArn,
                status,
                rolloutState,
                rolloutStateReason,
                lifecycle,
                desiredCount,
                failedTasks,
                deploymentConfiguration,
                sourceRevisionArn,
                rollbackOf,
                createdAt,
                startedAt,
                finishedAt,
                launchFailures,
                now);
    }

    public boolean active() {
        return !DeploymentStatus.INACTIVE.wire().equals(status);
    }
}
