package dev.ballast.core;

import java.util.Optional;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The one compare-and-set update loop: read a value with its version, change it, write it only if it is still
 * at the version read, and on a lost race read again and retry, a bounded number of times. The store's rows
 * ({@code store.Cas}, over {@code Versioned}) and the agent's tasks ({@code agent.TaskWrites}, versioned records)
 * both run on it.
 */
public final class CompareAndSet {
    private CompareAndSet() {}

    /** Every attempt lost its race: the value kept changing between read and write. */
    public static final class ConflictException extends IllegalStateException {
        ConflictException(int attempts) {
            super("still conflicting after " + attempts + " attempts: the value changed between each read and write");
        }
    }

    /**
     * Reads with {@code read}, asks {@code change} for the new value, writes it with {@code write} (true when the
     * value was still at the version read); on a lost race starts over, at most {@code attempts} times.
     * {@code change} runs on every fresh read and may throw to refuse.
     *
     * @param <R> what a read gives (the value with its version)
     * @param <T> the value written
     * @return the value as written; empty when {@code read} finds nothing or {@code change} has nothing to write
     * @throws ConflictException when every attempt lost its race
     */
    public static <R, T> Optional<T> update(
            Supplier<Optional<R>> read, Function<R, Optional<T>> change, BiPredicate<R, T> write, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be positive, got " + attempts);
        }
        for (int attempt = 0; attempt < attempts; attempt++) {
            Optional<R> found = read.get();
            if (found.isEmpty()) {
                return Optional.empty();
            }
            Optional<T> changed = change.apply(found.get());
            if (changed.isEmpty()) {
                return Optional.empty();
            }
            if (write.test(found.get(), changed.get())) {
                return changed;
            }
        }
        throw new ConflictException(attempts);
    }
}
