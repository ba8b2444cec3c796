package dev.ballast.model;

import java.util.List;
import java.util.Objects;

/**
 * The resolution record of a service revision (or of one RunTask call): its state, the attempts so far, when
 * to try again (epoch millis, null when no attempt is scheduled), one entry per container, and for a FAILED
 * record what failed (else null). Stored as JSON with the enums' wire words.
 */
public record ResolutionRecord(
        ResolutionState state, int attempts, Long nextAttemptAt, List<ContainerResolution> containers, String failure) {
    public ResolutionRecord {
        Objects.requireNonNull(state, "state");
        containers = containers == null ? List.of() : List.copyOf(containers);
    }

    /** A new record: nothing attempted, no container planned yet. */
    public static ResolutionRecord pending() {
        return new ResolutionRecord(ResolutionState.PENDING, 0, null, List.of(), null);
    }

    /** Whether every container has an image to launch with. */
    public boolean resolved() {
        return state == ResolutionState.RESOLVED;
    }
}
