package dev.ballast.agent;

import dev.ballast.model.ContainerStatus;
import dev.ballast.model.HealthStatus;
import java.util.Objects;

/**
 * One container of an {@link AgentTask}. {@code launchImage} is what the agent pulls; {@code image} what users see.
 *
 * @param imageDigest the digest pulled, or null before the pull
 * @param exitCode how it exited, or null
 * @param reason why it stopped (or could not start), or null
 * @param runtimeId the runtime's id of the started container, or null before it started
 * @param credentialsParameter the container definition's {@code repositoryCredentials.credentialsParameter} (a
 *     secret's name or ARN, never the secret), or null
 * @param healthStatus null for a container without a health check, else its last health
 */
public record AgentContainer(
        String name,
        String containerArn,
        String image,
        String launchImage,
        String imageDigest,
        ContainerStatus lastStatus,
        Integer exitCode,
        String reason,
        String runtimeId,
        boolean essential,
        String credentialsParameter,
        HealthStatus healthStatus) {

    public AgentContainer {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(lastStatus, "lastStatus");
    }

    /** This container with a new status, digest, exit code, reason and runtime id. */
    public AgentContainer with(ContainerStatus status, String digest, Integer exit, String why, String runtime) {
        return new AgentContainer(
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

    /** This container with a new health status (null: it has no health check). */
    public AgentContainer withHealth(HealthStatus health) {
        return new AgentContainer(
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
