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

    /**
     * The containers that launch from their tags because a best-effort resolution fell back ({@link
     * ResolutionOutcome#FALLBACK}): no digest was recorded for them, so launching this record again runs whatever the
     * tags serve then. ({@link ResolutionOutcome#SKIPPED} containers follow their tags by design and are not listed.)
     */
    public List<String> fellBackToTags() {
        return containers.stream()
                .filter(c -> c.resolutionMode() == ResolutionOutcome.FALLBACK)
                .map(ContainerResolution::containerName)
                .toList();
    }
}
