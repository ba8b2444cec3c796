package dev.ballast.resolve;

import java.time.Duration;
import java.util.Objects;

/**
 * Retry and coalescing settings of a {@link RevisionResolver}.
 *
 * @param strictAttempts attempts for a consistent container before the deployment fails (at least 1)
 * @param bestEffortAttempts attempts for a best-effort container before it falls back to its tag (at least 1)
 * @param initialBackoff delay after the first failed attempt; doubled after each further one
 * @param maxBackoff upper bound of one delay
 * @param coalesceWindow how long a successful registry answer for a reference is shared with later
 *     resolutions of the same reference (measured from when the answer arrived); concurrent resolutions
 *     always share the request in flight
 */
public record ResolveSettings(
        int strictAttempts,
        int bestEffortAttempts,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration coalesceWindow) {
    public ResolveSettings {
        if (strictAttempts < 1 || bestEffortAttempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got strict " + strictAttempts
                    + " and best-effort " + bestEffortAttempts);
        }
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        Objects.requireNonNull(coalesceWindow, "coalesceWindow");
        if (coalesceWindow.isNegative()) {
            throw new IllegalArgumentException("coalesceWindow must not be negative, got " + coalesceWindow);
        }
    }

    /** 5 strict attempts, 3 best-effort attempts (ECS parity), backoff 1 s doubling to 16 s, 1 s window. */
    public static ResolveSettings defaults() {
        return new ResolveSettings(5, 3, Duration.ofSeconds(1), Duration.ofSeconds(16), Duration.ofSeconds(1));
    }

    /** The delay after {@code failedAttempts} consecutive failures: initial × 2^(n−1), at most maxBackoff. */
    public Duration backoff(int failedAttempts) {
        Duration d = initialBackoff;
        for (int i = 1; i < failedAttempts && d.compareTo(maxBackoff) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
    }

    private static void requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
    }
}
