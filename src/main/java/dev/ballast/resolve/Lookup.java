package dev.ballast.resolve;

import dev.ballast.registry.Resolution;
import java.time.Instant;

/** What the registry said about one reference in one attempt. */
sealed interface Lookup {
    /** The registry resolved (or, for a digest reference, confirmed) the reference. */
    record Found(Resolution resolution) implements Lookup {}

    /**
     * It could not; {@code reason} is the registry's answer or the connection failure, without the action;
     * {@code retryAt}, when not null, is when the registry allows the next request (a 429 {@code Retry-After}).
     */
    record Failed(String reason, Instant retryAt) implements Lookup {
        Failed(String reason) {
            this(reason, null);
        }
    }
}
