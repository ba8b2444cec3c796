package dev.ballast.resolve;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Shares registry answers by key: callers arriving while a request is in flight wait for it, and a
 * successful answer is handed to later callers for {@code window} after it arrived (by the {@link Clock}),
 * but only to callers whose freshness bound ({@code notBefore}) the request's send time meets.
 * Failures are never kept: the next caller asks again. Expired entries are swept as the map grows.
 */
final class Coalescer<K, V> {
    private static final int SWEEP_ABOVE = 1024;

    private final Clock clock;
    private final Duration window;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

    private static final class Entry<V> {
        final CompletableFuture<V> value = new CompletableFuture<>();
        final Instant sentAt;
        volatile Instant arrivedAt;

        Entry(Instant sentAt) {
            this.sentAt = sentAt;
        }

        boolean freshAt(Instant now, Duration window) {
            Instant at = arrivedAt;
            return at != null && now.isBefore(at.plus(window));
        }
    }

    Coalescer(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /** The shared answer for {@code key}, fetching it on this thread when there is none. */
    V get(K key, Supplier<V> fetch) {
        return get(key, Instant.MIN, fetch);
    }

    /**
     * The shared answer for {@code key} from a request sent at or after {@code notBefore} (so a deployment
     * created at that moment never gets an answer older than itself), fetching it when there is none.
     */
    V get(K key, Instant notBefore, Supplier<V> fetch) {
        while (true) {
            Entry<V> existing = entries.get(key);
            if (existing != null && existing.sentAt.isBefore(notBefore)) {
                if (!existing.value.isDone()) {
                    return fetch.get(); // a request from before our time is in flight: ask again, unshared
                }
                entries.remove(key, existing);
                continue;
            }
            if (existing != null) {
                if (!existing.value.isDone()) {
                    return await(existing.value);
                }
                if (!existing.value.isCompletedExceptionally() && existing.freshAt(clock.instant(), window)) {
                    return existing.value.join();
                }
                entries.remove(key, existing);
                continue;
            }
            Entry<V> mine = new Entry<>(clock.instant());
            if (entries.putIfAbsent(key, mine) != null) {
                continue;
            }
            sweepIfLarge();
            try {
                V v = fetch.get();
                mine.arrivedAt = clock.instant();
                mine.value.complete(v);
                return v;
            } catch (RuntimeException | Error e) {
                entries.remove(key, mine);
                mine.value.completeExceptionally(e);
                throw e;
            }
        }
    }

    /** Entries held now (for tests). */
    int size() {
        return entries.size();
    }

    private void sweepIfLarge() {
        if (entries.size() > SWEEP_ABOVE) {
            Instant now = clock.instant();
            entries.entrySet().removeIf(e -> e.getValue().value.isDone() && !e.getValue().freshAt(now, window));
        }
    }

    private static <V> V await(CompletableFuture<V> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
