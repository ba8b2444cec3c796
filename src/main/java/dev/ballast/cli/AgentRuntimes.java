package dev.ballast.cli;

import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.registry.RegistryClient;

/**
 * Makes the container runtime a {@code ballast agent} runs tasks with. {@code simulated} fetches and
 * verifies images and runs nothing; {@code docker} runs real containers through the Docker Engine API
 * (Docker or Podman) found by {@code EngineDetection}.
 */
final class AgentRuntimes {
    /** The runtimes {@code --runtime} accepts. */
    enum Kind { SIMULATED, DOCKER }

    private AgentRuntimes() {}

    static ContainerRuntime create(Kind kind, String instanceArn, RegistryClient registry,
                                   java.util.function.Function<String, java.util.Optional<dev.ballast.registry.Credential>> credentials,
                                   String portHostIp) {
        return switch (kind) {
            case SIMULATED -> new SimulatedRuntime(instanceArn, registry, registry::withCredential);
            case DOCKER -> {
                var engine = dev.ballast.agent.docker.EngineDetection.find().orElseThrow(() -> new IllegalStateException(
                        "--runtime docker: no Docker or Podman engine answers (looked at DOCKER_HOST, /var/run/docker.sock, "
                                + "$XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock)"));
                yield dev.ballast.agent.docker.DockerRuntime.connect(engine.dockerHost(), registry, credentials,
                        portHostIp);
            }
        };
    }
}
