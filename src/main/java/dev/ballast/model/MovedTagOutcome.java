package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a rollout on a moved tag ended: its deployment {@code completed}, {@code failed} (the circuit breaker or a
 * resolution failure: the wave of that tag and digest stops), or was {@code superseded} by another deployment.
 */
public enum MovedTagOutcome {
    COMPLETED("completed"),
    FAILED("failed"),
    SUPERSEDED("superseded");

    private final String wire;

    MovedTagOutcome(String wire) {
        this.wire = wire;
    }

    /** The word stored and shown by the API. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static MovedTagOutcome fromWire(String value) {
        return Wire.lookup(MovedTagOutcome.class, MovedTagOutcome::wire, value, "moved-tag rollout outcome");
    }
}
