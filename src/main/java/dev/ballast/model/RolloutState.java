package dev.ballast.model;

/** A deployment's {@code rolloutState} (ECS {@code DeploymentRolloutState}); COMPLETED and FAILED are both final. */
public enum RolloutState {
    IN_PROGRESS,
    COMPLETED,
    FAILED;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static RolloutState fromWire(String value) {
        return Wire.lookup(RolloutState.class, RolloutState::wire, value, "deployment rolloutState");
    }

    /** Whether this status is {@code other} or later in the lifecycle. */
    public boolean atLeast(RolloutState other) {
        return compareTo(other) >= 0;
    }

    /** Whether this status comes strictly before {@code other} in the lifecycle. */
    public boolean before(RolloutState other) {
        return compareTo(other) < 0;
    }
}
