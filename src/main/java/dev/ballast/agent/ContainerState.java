package dev.ballast.agent;

/**
 * A container's lifecycle inside its task, in order. PULLED is known only to the agent in memory (its
 * image is local); ECS shows it as PENDING (see {@link EcsStatus}).
 */
enum ContainerState {
    PENDING,
    PULLED,
    RUNNING,
    STOPPED;

    /**
     * The state to move to next from {@code known} when the container should be {@code desired}
     * (anything up to RUNNING means "run"). A container that never started stops without an action.
     */
    static ContainerState next(ContainerState known, ContainerState desired) {
        boolean run = desired.compareTo(RUNNING) <= 0;
        return switch (known) {
            case PENDING -> run ? PULLED : STOPPED;
            case PULLED -> run ? RUNNING : STOPPED;
            case RUNNING -> run ? RUNNING : STOPPED;
            case STOPPED -> STOPPED;
        };
    }
}
