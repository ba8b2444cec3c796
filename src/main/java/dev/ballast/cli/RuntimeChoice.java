package dev.ballast.cli;

import dev.ballast.agent.docker.EngineDetection;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What runs an agent's containers ({@code --runtime}): {@link #SIMULATED} fetches and verifies images and runs
 * nothing; {@link #DOCKER} runs real containers through the Docker Engine API of Docker or Podman;
 * {@link #AUTO} (the server's default) uses an engine when one answers, else the simulated runtime.
 */
public enum RuntimeChoice {
    AUTO,
    DOCKER,
    SIMULATED;

    /** The word users write for this choice ({@code auto}, {@code docker}, {@code simulated}). */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads {@code --runtime}'s value, whatever the command line's enum settings: the lower-case words (any case
     * accepted); anything else is refused naming the accepted words.
     */
    public static final class Converter implements ITypeConverter<RuntimeChoice> {
        @Override
        public RuntimeChoice convert(String value) {
            for (RuntimeChoice c : values()) {
                if (c.word().equalsIgnoreCase(value.strip())) {
                    return c;
                }
            }
            throw new TypeConversionException("expected auto, docker or simulated, got '" + value + "'");
        }
    }

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
