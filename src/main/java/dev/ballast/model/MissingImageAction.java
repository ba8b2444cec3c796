package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What a service does when the pinned-image guard finds that a digest one of its deployments depends on is gone
 * from its registry: {@link #FAIL} (the default) stops launching from it with a clear reason, {@link #RERESOLVE}
 * starts a new deployment that resolves the tag again.
 */
public enum MissingImageAction {
    FAIL("fail"),
    RERESOLVE("reresolve");

    private final String wire;

    MissingImageAction(String wire) {
        this.wire = wire;
    }

    /** The word stored and shown by the API. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static MissingImageAction fromWire(String value) {
        return Wire.lookup(MissingImageAction.class, MissingImageAction::wire, value, "missing-image action");
    }
}
