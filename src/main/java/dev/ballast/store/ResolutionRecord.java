package dev.ballast.store;

import java.util.List;

/**
 * The per-deployment resolution record: state ({@code PENDING}, {@code RESOLVED}, {@code FAILED}),
 * attempts so far, when to try again, and one entry per container.
 */
public record ResolutionRecord(String state, int attempts, Long nextAttemptAt, List<ContainerResolution> containers,
                               String failure) {
    public boolean resolved() {
        return "RESOLVED".equals(state);
    }
}
