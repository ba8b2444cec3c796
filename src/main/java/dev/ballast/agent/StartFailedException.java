package dev.ballast.agent;

/**
 * The runtime's engine refused to create or start a container (a command that does not exist, an invalid
 * option, a port already taken): trying again would fail the same way, so the container stops with
 * {@code CannotCreateContainerError} or {@code CannotStartContainerError} — and its task, when the container
 * is essential. A failure to reach
 * the engine at all is not this exception: the agent retries that on its next pass.
 */
public final class StartFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorName;

    /**
     * @param errorName ECS's name for the failure: {@code CannotCreateContainerError} or {@code CannotStartContainerError}
     * @param message the engine's own words
     */
    public StartFailedException(String errorName, String message, Throwable cause) {
        super(message, cause);
        this.errorName = errorName;
    }

    /** The container's reason as ECS words it, e.g. {@code CannotStartContainerError: … executable file not found …}. */
    public String reason() {
        return errorName + ": " + getMessage();
    }
}
