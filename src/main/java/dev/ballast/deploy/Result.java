package dev.ballast.deploy;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Reconciler} asks for after one step: nothing more ({@link #done()}; a later change or the periodic
 * resync enqueues the key again), or to be called again for the same key after a delay on the runtime's clock.
 *
 * @param requeueAfter when present, the key is added again once this much time has passed
 */
public record Result(Optional<Duration> requeueAfter) {
    private static final Result DONE = new Result(Optional.empty());

    public Result {
        Objects.requireNonNull(requeueAfter, "requeueAfter");
        requeueAfter.ifPresent(d -> {
            if (d.isNegative()) {
                throw new IllegalArgumentException("requeue-after must not be negative, got " + d);
            }
        });
    }

    /** Nothing more to do for this key until something enqueues it again. */
    public static Result done() {
        return DONE;
    }

    /** Call again for this key after {@code delay}. */
    public static Result requeueAfter(Duration delay) {
        return new Result(Optional.of(delay));
    }
}
