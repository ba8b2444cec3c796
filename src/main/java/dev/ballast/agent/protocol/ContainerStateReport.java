package dev.ballast.agent.protocol;

/**
 * One container's state in a {@link TaskStateReport} (ECS {@code ContainerStateChange}), also the container members
 * of {@code SubmitContainerStateChange}. {@code healthStatus} is Ballast's extension member. Absent: unchanged.
 */
public record ContainerStateReport(
        String containerName,
        String status,
        String imageDigest,
        String runtimeId,
        String reason,
        String healthStatus,
        Integer exitCode) {}
