package dev.ballast.agent.protocol;

/**
 * One container of a {@link PolledTask}. {@code credentialsParameter} names the secret holding the registry
 * credentials (never the secret); {@code healthStatus} is absent for a container without a health check.
 */
public record PolledContainer(
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
        String healthStatus) {}
