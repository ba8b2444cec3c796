package dev.ballast.model;

/** A container's {@code lastStatus} as Ballast reports it, in lifecycle order. */
public enum ContainerStatus {
    PENDING,
    RUNNING,
    STOPPED;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static ContainerStatus fromWire(String value) {
        return Wire.lookup(ContainerStatus.class, ContainerStatus::wire, value, "container lastStatus");
    }

    /** Whether this status is {@code other} or later in the lifecycle. */
    public boolean atLeast(ContainerStatus other) {
        return compareTo(other) >= 0;
    }

    /** Whether this status comes strictly before {@code other} in the lifecycle. */
    public boolean before(ContainerStatus other) {
        return compareTo(other) < 0;
    }
}
