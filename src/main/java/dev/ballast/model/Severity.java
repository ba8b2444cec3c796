package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How serious an audit finding is, most serious first. The wire words are SARIF 2.1.0's {@code level} values
 * (§3.27.10) so a finding's severity is its SARIF level as is; {@code ballast audit --fail-on} takes them too.
 */
public enum Severity {
    ERROR("error"),
    WARNING("warning"),
    NOTE("note");

    private final String wire;

    Severity(String wire) {
        this.wire = wire;
    }

    /** The lower-case word shown by {@code ballast audit} and written as the SARIF {@code level}. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** True when this severity is {@code threshold} or more serious. */
    public boolean atLeast(Severity threshold) {
        return compareTo(threshold) <= 0;
    }

    /** The constant whose word is {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static Severity fromWire(String value) {
        return Wire.lookup(Severity.class, Severity::wire, value, "severity");
    }

    @Override
    public String toString() {
        return wire;
    }
}
