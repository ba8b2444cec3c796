package dev.ballast.model;

/** A task's {@code lastStatus}, in ECS's lifecycle order (API reference, "Task lifecycle"). */
public enum TaskStatus {
    PROVISIONING,
    PENDING,
    ACTIVATING,
    RUNNING,
    DEACTIVATING,
    STOPPING,
    DEPROVISIONING,
    STOPPED;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static TaskStatus fromWire(String value) {
        return Wire.lookup(TaskStatus.class, TaskStatus::wire, value, "task lastStatus");
    }

    /** Whether this status is {@code other} or later in the lifecycle. */
    public boolean atLeast(TaskStatus other) {
        return compareTo(other) >= 0;
    }

    /** Whether this status comes strictly before {@code other} in the lifecycle. */
    public boolean before(TaskStatus other) {
        return compareTo(other) < 0;
    }
}
