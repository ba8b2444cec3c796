package dev.ballast.model;

/** A task's {@code desiredStatus} (ECS {@code DesiredStatus}), in lifecycle order. */
public enum DesiredStatus {
    PENDING,
    RUNNING,
    STOPPED;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static DesiredStatus fromWire(String value) {
        return Wire.lookup(DesiredStatus.class, DesiredStatus::wire, value, "task desiredStatus");
    }

    /** Whether this status is {@code other} or later in the lifecycle. */
    public boolean atLeast(DesiredStatus other) {
        return compareTo(other) >= 0;
    }

    /** Whether this status comes strictly before {@code other} in the lifecycle. */
    public boolean before(DesiredStatus other) {
        return compareTo(other) < 0;
    }
}
