package dev.ballast.model;

/** A service deployment's {@code status}, newest first: a PRIMARY is demoted to ACTIVE, then INACTIVE. */
public enum DeploymentStatus {
    PRIMARY,
    ACTIVE,
    INACTIVE;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static DeploymentStatus fromWire(String value) {
        return Wire.lookup(DeploymentStatus.class, DeploymentStatus::wire, value, "deployment status");
    }

    /** Whether this status is {@code other} or later in the lifecycle. */
    public boolean atLeast(DeploymentStatus other) {
        return compareTo(other) >= 0;
    }

    /** Whether this status comes strictly before {@code other} in the lifecycle. */
    public boolean before(DeploymentStatus other) {
        return compareTo(other) < 0;
    }
}
