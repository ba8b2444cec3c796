package dev.ballast.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Bearer tokens per (registry, scope), valid until their expiry by the injected {@link Clock}. */
final class TokenCache {

    private record Key(String registry, String scope) {}

    private record Entry(String token, Instant expires) {}

    private static final int SWEEP_ABOVE = 1024;
    /** Entries kept at most: callers choose registries and repositories, so live tokens are bounded too. */
    static final int MAX_ENTRIES = 10_000;

    private final Map<Key, Entry> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    TokenCache(Clock clock) {
        this.clock = clock;
    }

    Optional<String> get(String registry, String scope) {
        Entry e = tokens.get(new Key(registry, scope));
        if (e == null || !clock.instant().isBefore(e.expires())) {
            return Optional.empty();
        }
        return Optional.of(e.token());
    }

    void put(String registry, String scope, String token, Instant expires) {
        if (tokens.size() > SWEEP_ABOVE) {
            Instant now = clock.instant();
            tokens.values().removeIf(e -> !now.isBefore(e.expires()));
            if (tokens.size() >= MAX_ENTRIES) {
                tokens.clear(); // a cache: the next request of each scope fetches its token again
            }
        }
        tokens.put(new Key(registry, scope), new Entry(token, expires));
    }

    /** Forgets {@code token} unless another caller already replaced it. */
    void invalidate(String registry, String scope, String token) {
        tokens.computeIfPresent(new Key(registry, scope), (k, e) -> e.token().equals(token) ? null : e);
    }
}
