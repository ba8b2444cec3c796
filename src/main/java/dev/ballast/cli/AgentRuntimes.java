package dev.ballast.cli;

import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.registry.RegistryClient;

/**
 * Makes the container runtime a {@code ballast agent} runs tasks with. {@code simulated} fetches and
 * verifies images and runs nothing; {@code docker} (the Docker Engine API, for Docker or Podman) is wired
 * here once {@code dev.ballast.agent.docker.DockerRuntime} is in place.
 */
final class AgentRuntimes {
    /** The runtimes {@code --runtime} accepts. */
    enum Kind { SIMULATED, DOCKER }

    private AgentRuntimes() {}

    static ContainerRuntime create(Kind kind, String instanceArn, RegistryClient registry) {
        return switch (kind) {
            case SIMULATED -> new SimulatedRuntime(instanceArn, registry);
            case DOCKER -> docker(instanceArn, registry);
        };
    }

    /** Hook for the Docker runtime (issue 5, item 3): construct {@code DockerRuntime} here. */
    private static ContainerRuntime docker(String instanceArn, RegistryClient registry) {
        throw new IllegalStateException("the docker runtime is not available in this build; use --runtime simulated");
    }
}
