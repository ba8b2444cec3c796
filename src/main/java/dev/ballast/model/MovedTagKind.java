package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a service follows a moved tag ({@link ImageLifecyclePolicy}): {@code refresh} replaces tasks so that their
 * {@code disabled} containers run the moved tag, pinned containers kept; {@code autoRedeploy} starts a new
 * deployment that resolves the tag again.
 */
public enum MovedTagKind {
    REFRESH("refresh"),
    AUTO_REDEPLOY("autoRedeploy");

    private final String wire;

    MovedTagKind(String wire) {
        this.wire = wire;
    }

    /** The word stored and shown by the API. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static MovedTagKind fromWire(String value) {
        return Wire.lookup(MovedTagKind.class, MovedTagKind::wire, value, "moved-tag rollout kind");
    }
}
