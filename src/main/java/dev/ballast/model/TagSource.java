package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How Ballast learned what a watched tag points to: the tag watcher's HEAD ({@link #POLL}), a registry's push or
 * delete notification ({@link #PUSH}), or a deployment's own resolution ({@link #DEPLOYMENT}).
 */
public enum TagSource {
    POLL("poll"),
    PUSH("push"),
    DEPLOYMENT("deployment");

    private final String wire;

    TagSource(String wire) {
        this.wire = wire;
    }

    /** The word stored and shown. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static TagSource fromWire(String value) {
        return Wire.lookup(TagSource.class, TagSource::wire, value, "tag source");
    }
}
