package dev.ballast.store;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A service deployment. {@code status} is PRIMARY/ACTIVE/INACTIVE (Service.deployments), {@code rolloutState}
 * IN_PROGRESS/COMPLETED/FAILED, {@code lifecycle} the ServiceDeploymentStatus (PENDING, IN_PROGRESS,
 * SUCCESSFUL, STOPPED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED).
 */
public record DeploymentRow(String id, String arn, String serviceArn, String clusterArn, String revisionArn,
                            String taskDefinitionArn, String status, String rolloutState, String rolloutStateReason,
                            String lifecycle, int desiredCount, int failedTasks, ObjectNode deploymentConfiguration,
                            String sourceRevisionArn, String rollbackOf, long createdAt, Long startedAt, Long finishedAt) {
    public DeploymentRow with(String newStatus, String newRollout, String reason, String newLifecycle, Long finished) {
        return new DeploymentRow(id, arn, serviceArn, clusterArn, revisionArn, taskDefinitionArn, newStatus, newRollout, reason,
                newLifecycle, desiredCount, failedTasks, deploymentConfiguration, sourceRevisionArn, rollbackOf, createdAt,
                startedAt, finished);
    }

    public DeploymentRow withDesired(int count) {
        return new DeploymentRow(id, arn, serviceArn, clusterArn, revisionArn, taskDefinitionArn, status, rolloutState,
                rolloutStateReason, lifecycle, count, failedTasks, deploymentConfiguration, sourceRevisionArn, rollbackOf,
                createdAt, startedAt, finishedAt);
    }

    public DeploymentRow withFailedTasks(int failed) {
        return new DeploymentRow(id, arn, serviceArn, clusterArn, revisionArn, taskDefinitionArn, status, rolloutState,
                rolloutStateReason, lifecycle, desiredCount, failed, deploymentConfiguration, sourceRevisionArn, rollbackOf,
                createdAt, startedAt, finishedAt);
    }

    public boolean active() {
        return !"INACTIVE".equals(status);
    }
}
