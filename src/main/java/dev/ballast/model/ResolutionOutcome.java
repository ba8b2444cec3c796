package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * What the resolver did with one container's image (recorded and shown as {@code resolutionMode}):
 * {@link #PENDING} until an attempt settles it; {@link #RESOLVED} a tag to a digest, {@link #VERIFIED} a
 * written digest, {@link #SKIPPED} (mode disabled, no registry request), {@link #FALLBACK} to the tag as
 * written after a best-effort container's bounded failures, or {@link #FAILED}.
 */
public enum ResolutionOutcome {
    PENDING("pending"),
    RESOLVED("resolved"),
    VERIFIED("verified"),
    SKIPPED("skipped"),
    FALLBACK("fallback"),
    FAILED("failed");

    private final String wire;

    ResolutionOutcome(String wire) {
        this.wire = wire;
    }

    /** The lower-case word recorded in resolution records and shown by the API. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose recorded word is {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static ResolutionOutcome fromWire(String value) {
        return Wire.lookup(ResolutionOutcome.class, ResolutionOutcome::wire, value, "resolutionMode");
    }

    @Override
    public String toString() {
        return wire;
    }
}
