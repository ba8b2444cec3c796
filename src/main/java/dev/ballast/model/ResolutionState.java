package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The state of a resolution record (shown as {@code resolutionState}): PENDING until every container has an
 * image to launch with, then RESOLVED, or FAILED when a container's resolution failed for good. RESOLVED and
 * FAILED are both final.
 */
public enum ResolutionState {
    PENDING,
    RESOLVED,
    FAILED;

    /** The word recorded in resolution records and shown by the API. */
    @JsonValue
    public String wire() {
        return name();
    }

    /** The constant whose recorded word is {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static ResolutionState fromWire(String value) {
        return Wire.lookup(ResolutionState.class, ResolutionState::wire, value, "resolution state");
    }
}
