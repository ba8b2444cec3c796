package dev.ballast.cli;

import dev.ballast.agent.docker.EngineDetection;
import java.util.Optional;

/**
 * What runs an agent's containers ({@code --runtime}): {@link #SIMULATED} fetches and verifies images and runs
 * nothing; {@link #DOCKER} runs real containers through the Docker Engine API of Docker or Podman;
 * {@link #AUTO} (the server's default) uses an engine when one answers, else the simulated runtime.
 */
public enum RuntimeChoice {
    AUTO,
    DOCKER,
    SIMULATED;

    /**
     * The engine this choice runs containers on, found once per process by its composition root and passed on:
     * {@code dockerHost} when given (and the choice is not simulated), else the first engine
     * {@link EngineDetection} finds; empty for the simulated runtime, or for {@code auto} when no engine answers.
     *
     * @throws IllegalStateException for {@code docker} when no engine answers
     */
    public Optional<EngineDetection.Engine> engine(String dockerHost) {
        if (this != SIMULATED && dockerHost != null) {
            return Optional.of(new EngineDetection.Engine(dockerHost, "--docker-host"));
        }
        return switch (this) {
            case SIMULATED -> Optional.empty();
            case DOCKER ->
                Optional.of(EngineDetection.find()
                        .orElseThrow(() -> new IllegalStateException(
                                "--runtime docker: no Docker or Podman engine answers (looked at DOCKER_HOST, /var/run/docker.sock, "
                                        + "$XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock)")));
            case AUTO -> EngineDetection.find();
        };
    }
}
