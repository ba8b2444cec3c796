package dev.ballast.cli;

import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.docker.DockerRuntime;
import dev.ballast.agent.docker.EngineDetection;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RegistryClient;
import java.util.Optional;
import java.util.function.Function;

/**
 * Makes the container runtime a {@code ballast agent} runs tasks with: the Docker Engine API (Docker or
 * Podman) of the engine its composition root found once ({@link RuntimeChoice#engine}), or, without an
 * engine, the simulated runtime, which fetches and verifies images and runs nothing.
 */
final class AgentRuntimes {
    private AgentRuntimes() {}

    static ContainerRuntime create(
            Optional<EngineDetection.Engine> engine,
            String instanceArn,
            RegistryClient registry,
            Function<String, Optional<Credential>> credentials,
            String portHostIp) {
        return engine.<ContainerRuntime>map(
                        e -> DockerRuntime.connect(e.dockerHost(), registry, credentials, portHostIp))
                .orElseGet(() -> new SimulatedRuntime(instanceArn, registry, registry::withCredential));
    }
}
