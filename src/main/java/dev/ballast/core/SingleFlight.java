package dev.ballast.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs work once per key among concurrent callers: a caller arriving while the work for its key is in flight
 * waits for that answer (or its failure) instead of starting its own. With a window, a successful answer is
 * also handed to later callers for {@code window} after it arrived (by the {@link Clock}), but only to those
 * whose freshness bound ({@code notBefore}) the work's start meets. Failures are never kept: the next caller
 * runs the work again. Without a window nothing is kept once the work ends. Kept answers that expired are
 * swept as the map grows.
 *
 * @param <K> the key (equal keys share work)
 * @param <V> the answer
 */
public final class SingleFlight<K, V> {
    private static final int SWEEP_ABOVE = 1024;

    private final Clock clock;
    private final Duration window;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final AtomicInteger callers = new AtomicInteger();

    private static final class Entry<V> {
        final CompletableFuture<V> value = new CompletableFuture<>();
        final Instant startedAt;
        volatile Instant arrivedAt;

        Entry(Instant startedAt) {
            this.startedAt = startedAt;
        }

        boolean freshAt(Instant now, Duration window) {
            Instant at = arrivedAt;
            return at != null && now.isBefore(at.plus(window));
        }
    }

    private SingleFlight(Clock clock, Duration window) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.window = Objects.requireNonNull(window, "window");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative, got " + window);
        }
    }

    /** Shares only work in flight: an answer is not kept once its work ends. */
    public static <K, V> SingleFlight<K, V> inFlightOnly() {
        return new SingleFlight<>(Clock.systemUTC(), Duration.ZERO);
    }

    /** Shares work in flight and keeps a successful answer for {@code window} after it arrived. */
    public static <K, V> SingleFlight<K, V> keeping(Duration window, Clock clock) {
        return new SingleFlight<>(clock, window);
    }

    /** The shared answer for {@code key}, running {@code work} on this thread when there is none. */
    public V run(K key, Supplier<V> work) {
        return run(key, Instant.MIN, work);
    }

    /**
     * The shared answer for {@code key} from work started at or after {@code notBefore} (so a deployment
     * created at that moment never gets an answer older than itself), running {@code work} when there is none.
     * Work in flight that started earlier is not waited for: this caller runs its own, unshared.
     */
    public V run(K key, Instant notBefore, Supplier<V> work) {
        callers.incrementAndGet();
        try {
            return share(key, notBefore, work);
        } finally {
            callers.decrementAndGet();
        }
    }

    private V share(K key, Instant notBefore, Supplier<V> work) {
        while (true) {
            Entry<V> existing = entries.get(key);
            if (existing != null && existing.startedAt.isBefore(notBefore)) {
                if (!existing.value.isDone()) {
                    return work.get(); // work from before our time is in flight: run again, unshared
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
                V v = work.get();
                mine.arrivedAt = clock.instant();
                if (window.isZero()) {
                    entries.remove(key, mine);
                }
                mine.value.complete(v);
                return v;
            } catch (RuntimeException | Error e) {
                entries.remove(key, mine);
                mine.value.completeExceptionally(e);
                throw e;
            }
        }
    }

    /** Callers inside {@link #run} now, running work or waiting for another's. */
    public int callers() {
        return callers.get();
    }

    /** Keys held now, in flight or kept. */
    public int size() {
        return entries.size();
    }

    private void sweepIfLarge() {
        if (entries.size() > SWEEP_ABOVE) {
            Instant now = clock.instant();
            entries.entrySet()
                    .removeIf(e -> e.getValue().value.isDone() && !e.getValue().freshAt(now, window));
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
