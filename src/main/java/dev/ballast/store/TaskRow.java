package dev.ballast.store;

import dev.ballast.model.DesiredStatus;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.StopCause;
import dev.ballast.model.TaskHealth;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import java.util.List;

/**
 * A task: desired and last status, placement, and its containers' state as the agent reported it.
 * {@code stopCause} is set when the server stopped the task for a reason a component decides on (null
 * otherwise); it is stored with the task but not shown by DescribeTasks.
 */
public record TaskRow(
        String arn,
        String cluster,
        String clusterArn,
        String taskDefinitionArn,
        String serviceArn,
        String deploymentId,
        String startedBy,
        String group,
        String containerInstanceArn,
        String desiredStatus,
        String lastStatus,
        List<ContainerRow> containers,
        String stopCode,
        String stoppedReason,
        String clientToken,
        int cpu,
        int memory,
        long createdAt,
        Long pullStartedAt,
        Long pullStoppedAt,
        Long startedAt,
        Long stoppingAt,
        Long stoppedAt,
        long sequence,
        StopCause stopCause,
        TaskLaunch launch) {

    public TaskRow {
        containers = containers == null ? List.of() : List.copyOf(containers); // rows are shared between readers
        launch = launch == null ? TaskLaunch.EC2 : launch; // tasks stored before launch types were EC2 tasks
    }

    /** A task launched the EC2 way (no capacity provider, no network interface). */
    public TaskRow(
            String arn,
            String cluster,
            String clusterArn,
            String taskDefinitionArn,
            String serviceArn,
            String deploymentId,
            String startedBy,
            String group,
            String containerInstanceArn,
            String desiredStatus,
            String lastStatus,
            List<ContainerRow> containers,
            String stopCode,
            String stoppedReason,
            String clientToken,
            int cpu,
            int memory,
            long createdAt,
            Long pullStartedAt,
            Long pullStoppedAt,
            Long startedAt,
            Long stoppingAt,
            Long stoppedAt,
            long sequence,
            StopCause stopCause) {
        this(
                arn,
                cluster,
                clusterArn,
                taskDefinitionArn,
                serviceArn,
                deploymentId,
                startedBy,
                group,
                containerInstanceArn,
                desiredStatus,
                lastStatus,
                containers,
                stopCode,
                stoppedReason,
                clientToken,
                cpu,
                memory,
                createdAt,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                sequence,
                stopCause,
                TaskLaunch.EC2);
    }

    /** A task without a {@link #stopCause()} (every task until the server stops it for a typed cause). */
    public TaskRow(
            String arn,
            String cluster,
            String clusterArn,
            String taskDefinitionArn,
            String serviceArn,
            String deploymentId,
            String startedBy,
            String group,
            String containerInstanceArn,
            String desiredStatus,
            String lastStatus,
            List<ContainerRow> containers,
            String stopCode,
            String stoppedReason,
            String clientToken,
            int cpu,
            int memory,
            long createdAt,
            Long pullStartedAt,
            Long pullStoppedAt,
            Long startedAt,
            Long stoppingAt,
            Long stoppedAt,
            long sequence) {
        this(
                arn,
                cluster,
                clusterArn,
                taskDefinitionArn,
                serviceArn,
                deploymentId,
                startedBy,
                group,
                containerInstanceArn,
                desiredStatus,
                lastStatus,
                containers,
                stopCode,
                stoppedReason,
                clientToken,
                cpu,
                memory,
                createdAt,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                sequence,
                null);
    }

    /**
     * One container of a task. {@code launchImage} is what the agent pulls; {@code image} what users see.
     * {@code credentialsParameter} is the container definition's
     * {@code repositoryCredentials.credentialsParameter} (a secret's name or ARN, never the secret), or null;
     * each agent looks it up in its own {@code --registry-credentials} file. {@code healthStatus} is null for a
     * container without a {@code healthCheck} (shown as UNKNOWN), else HEALTHY, UNHEALTHY or UNKNOWN (no result yet)
     * as the agent's health checker last reported it.
     */
    public record ContainerRow(
            String name,
            String containerArn,
            String image,
            String launchImage,
            String imageDigest,
            String lastStatus,
            Integer exitCode,
            String reason,
            String runtimeId,
            boolean essential,
            String credentialsParameter,
            String healthStatus) {
        public ContainerRow(
                String name,
                String containerArn,
                String image,
                String launchImage,
                String imageDigest,
                String lastStatus,
                Integer exitCode,
                String reason,
                String runtimeId,
                boolean essential) {
            this(
                    name,
                    containerArn,
                    image,
                    launchImage,
                    imageDigest,
                    lastStatus,
                    exitCode,
                    reason,
                    runtimeId,
                    essential,
                    null,
                    null);
        }

        public ContainerRow(
                String name,
                String containerArn,
                String image,
                String launchImage,
                String imageDigest,
                String lastStatus,
                Integer exitCode,
                String reason,
                String runtimeId,
                boolean essential,
                String credentialsParameter) {
            this(
                    name,
                    containerArn,
                    image,
                    launchImage,
                    imageDigest,
                    lastStatus,
                    exitCode,
                    reason,
                    runtimeId,
                    essential,
                    credentialsParameter,
                    null);
        }

        public ContainerRow with(String status, String digest, Integer exit, String why, String runtime) {
            return new ContainerRow(
                    name,
                    containerArn,
                    image,
                    launchImage,
                    digest,
                    status,
                    exit,
                    why,
                    runtime,
                    essential,
                    credentialsParameter,
                    healthStatus);
        }

        /** The reported health, typed; null for a container without a health check. */
        public HealthStatus health() {
            return healthStatus == null ? null : HealthStatus.fromWire(healthStatus);
        }

        /** This container with a new health status (null: it has no health check). */
        public ContainerRow withHealth(String health) {
            return new ContainerRow(
                    name,
                    containerArn,
                    image,
                    launchImage,
                    imageDigest,
                    lastStatus,
                    exitCode,
                    reason,
                    runtimeId,
                    essential,
                    credentialsParameter,
                    health);
        }
    }

    public TaskRow withDesired(String desired, String code, String reason, Long stopping) {
        return new TaskRow(
                arn,
                cluster,
                clusterArn,
                taskDefinitionArn,
                serviceArn,
                deploymentId,
                startedBy,
                group,
                containerInstanceArn,
                desired,
                lastStatus,
                containers,
                code,
                reason,
                clientToken,
                cpu,
                memory,
                createdAt,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stopping,
                stoppedAt,
                sequence,
                stopCause,
                launch);
    }

    public TaskRow withState(
            String last,
            List<ContainerRow> newContainers,
            Long pullStarted,
            Long pullStopped,
            Long started,
            Long stopped) {
        return new TaskRow(
                arn,
                cluster,
                clusterArn,
                taskDefinitionArn,
                serviceArn,
                deploymentId,
                startedBy,
                group,
                containerInstanceArn,
                desiredStatus,
                last,
                newContainers,
                stopCode,
                stoppedReason,
                clientToken,
                cpu,
                memory,
                createdAt,
                pullStarted,
                pullStopped,
                started,
                stoppingAt,
                stopped,
                sequence,
                stopCause,
                launch);
    }

    public TaskRow stoppedBy(String code, String reason) {
        return new TaskRow(
                arn,
                cluster,
                clusterArn,
                taskDefinitionArn,
                serviceArn,
                deploymentId,
                startedBy,
                group,
                containerInstanceArn,
                DesiredStatus.STOPPED.wire(),
                lastStatus,
                containers,
                stopCode == null ? code : stopCode,
                stoppedReason == null ? reason : stoppedReason,
                clientToken,
                cpu,
                memory,
                createdAt,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                sequence,
                stopCause,
                launch);
    }

    /** This task with {@code l} as its launch (an awsvpc task's interface once its agent reported the address). */
    public TaskRow withLaunch(TaskLaunch l) {
        return new TaskRow(
                arn,
                cluster,
                clusterArn,
                taskDefinitionArn,
                serviceArn,
                deploymentId,
                startedBy,
                group,
                containerInstanceArn,
                desiredStatus,
                lastStatus,
                containers,
                stopCode,
                stoppedReason,
                clientToken,
                cpu,
                memory,
                createdAt,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                sequence,
                stopCause,
                l);
    }

    /** This task with the typed cause of its stop (recorded with the stop decision; null: none). */
    public TaskRow withStopCause(StopCause cause) {
        return new TaskRow(
                arn,
                cluster,
                clusterArn,
                taskDefinitionArn,
                serviceArn,
                deploymentId,
                startedBy,
                group,
                containerInstanceArn,
                desiredStatus,
                lastStatus,
                containers,
                stopCode,
                stoppedReason,
                clientToken,
                cpu,
                memory,
                createdAt,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                sequence,
                cause,
                launch);
    }

    /** The task's health, computed from its containers' (ECS {@code Task.healthStatus}). */
    public TaskHealth health() {
        return new TaskHealth(containers.stream()
                .map(c -> new TaskHealth.Container(c.essential(), c.health()))
                .toList());
    }

    public boolean isStopped() {
        return TaskStatus.STOPPED.wire().equals(lastStatus);
    }
}
