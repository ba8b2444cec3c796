package dev.ballast.store;

import dev.ballast.core.CompareAndSet;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@link CompareAndSet}, the one compare-and-set update loop, over the store's {@link Versioned} rows: read a {@link Versioned} value, change it, write it only if it is still at
 * the version read, and on a lost race read again and retry, a bounded number of times.
 */
public final class Cas {
    private Cas() {}

    /** Writes {@code changed} only if the value is still at {@code read}'s version; false when it moved on. */
    @FunctionalInterface
    public interface Write<T> {
        boolean write(Versioned<T> read, T changed);
    }

    /**
     * Reads with {@code find}, asks {@code change} for the new value, writes it with {@code write}; on a lost race
     * starts over, at most {@code attempts} times. {@code change} runs on every fresh read and may throw to refuse.
     *
     * @return the value as written; empty when {@code find} finds nothing or {@code change} has nothing to write
     * @throws CompareAndSet.ConflictException when every attempt lost its race
     */
    public static <T> Optional<T> update(
            Supplier<Optional<Versioned<T>>> find, Function<T, Optional<T>> change, Write<T> write, int attempts) {
        return CompareAndSet.update(find, read -> change.apply(read.value()), write::write, attempts);
    }
}
