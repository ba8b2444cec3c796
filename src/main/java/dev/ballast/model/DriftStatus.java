package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * How a service container's image compares with what its registry serves now (issue 11, drift): the tag points
 * where the deployment recorded ({@link #IN_SYNC}); it points elsewhere ({@link #MOVED}: the tasks run bytes the
 * tag no longer names); it points to another index whose child for the tasks' platform is the same manifest
 * ({@link #INDEX_CHANGED_PLATFORM_UNCHANGED}: not drift of this service's bytes); the registry has no such tag now
 * ({@link #TAG_MISSING}); nothing is known yet ({@link #UNKNOWN}: the tag was never watched, or an index's
 * children are not fetched yet); or the image names no tag to follow ({@link #UNTAGGED}).
 */
public enum DriftStatus {
    IN_SYNC("in-sync"),
    MOVED("moved"),
    INDEX_CHANGED_PLATFORM_UNCHANGED("index-changed-platform-unchanged"),
    TAG_MISSING("tag-missing"),
    UNKNOWN("unknown"),
    UNTAGGED("untagged");

    private final String wire;

    DriftStatus(String wire) {
        this.wire = wire;
    }

    /** The word shown by the API and the CLI. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** Whether the registry serves other bytes for the tag than the service was deployed with. */
    public boolean drifted() {
        return this == MOVED;
    }

    /** The constant for {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static DriftStatus fromWire(String value) {
        return Wire.lookup(DriftStatus.class, DriftStatus::wire, value, "drift status");
    }
}
