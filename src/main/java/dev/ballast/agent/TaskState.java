package dev.ballast.agent;

/**
 * A task's lifecycle as the agent drives it, in order; a task only moves forward. ECS's
 * {@code lastStatus} strings are mapped in {@link EcsStatus}, and only there.
 */
enum TaskState {
    /** Placed on the instance; nothing done yet. */
    PROVISIONING,
    /** Pulling its containers' images. */
    PULLING,
    /** Every container started. */
    RUNNING,
    /** Asked to stop; containers being stopped. */
    STOPPING,
    /** Terminal. */
    STOPPED;

    /**
     * The state to move to next from {@code known} when the scheduler wants {@code desired} (RUNNING or
     * STOPPED; anything up to RUNNING means "run"). Returns {@code known} when there is nothing to do.
     * A task that never started goes straight to STOPPED; a running one stops through STOPPING.
     */
    static TaskState next(TaskState known, TaskState desired) {
        boolean run = desired.compareTo(RUNNING) <= 0;
        return switch (known) {
            case PROVISIONING -> run ? PULLING : STOPPED;
            case PULLING -> run ? RUNNING : STOPPED;
            case RUNNING -> run ? RUNNING : STOPPING;
            case STOPPING, STOPPED -> STOPPED;
        };
    }
}
