package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A container definition's {@code versionConsistency} as registered: ECS's {@code enabled} and {@code disabled},
 * plus Ballast's {@code consistent} (same as {@code enabled}: strict) and {@code default} (same as leaving it out:
 * the cluster's and account's policy decide).
 */
public enum VersionConsistency {
    ENABLED("enabled"),
    CONSISTENT("consistent"),
    DISABLED("disabled"),
    DEFAULT("default");

    private final String wire;

    VersionConsistency(String wire) {
        this.wire = wire;
    }

    /** The wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Whether the container itself decides (strict or disabled) rather than inheriting the policy. */
    public boolean decides() {
        return this != DEFAULT;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static VersionConsistency fromWire(String value) {
        return Wire.lookup(VersionConsistency.class, VersionConsistency::wire, value, "versionConsistency");
    }
}
