package dev.ballast.registry;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Shares one in-flight computation among concurrent callers with the same key. The entry is removed
 * when the computation completes, so this deduplicates requests; it is not a cache.
 */
final class InFlight<K, V> {

    private final Map<K, CompletableFuture<V>> calls = new ConcurrentHashMap<>();
    private final AtomicInteger callers = new AtomicInteger();

    /** Runs {@code work} on this thread, or waits for the call already running for {@code key}. */
    V run(K key, Supplier<V> work) {
        callers.incrementAndGet();
        try {
            CompletableFuture<V> mine = new CompletableFuture<>();
            CompletableFuture<V> running = calls.putIfAbsent(key, mine);
            if (running != null) {
                return await(running);
            }
            try {
                V value = work.get();
                mine.complete(value);
                return value;
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                calls.remove(key, mine);
            }
        } finally {
            callers.decrementAndGet();
        }
    }

    /** Callers currently inside {@link #run}, running or waiting. */
    int callers() {
        return callers.get();
    }

    private static <V> V await(CompletableFuture<V> running) {
        try {
            return running.join();
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
