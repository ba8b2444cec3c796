package dev.ballast.store;

import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The compare-and-set update loop: read a {@link Versioned} value, change it, write it only if it is still at
 * the version read, and on a lost race read again and retry, a bounded number of times.
 */
public final class Cas {
    private Cas() {
    }

    /** Writes {@code changed} only if the value is still at {@code read}'s version; false when it moved on. */
    @FunctionalInterface
    public interface Write<T> {
        boolean write(Versioned<T> read, T changed);
    }

    /** Every attempt lost its race: the value kept changing between read and write. */
    public static final class ConflictException extends IllegalStateException {
        ConflictException(int attempts) {
            super("still conflicting after " + attempts + " attempts: the value changed between each read and write");
        }
    }

    /**
     * Reads with {@code find}, asks {@code change} for the new value, writes it with {@code write}; on a lost race
     * starts over, at most {@code attempts} times. {@code change} runs on every fresh read and may throw to refuse.
     *
     * @return the value as written; empty when {@code find} finds nothing or {@code change} has nothing to write
     * @throws ConflictException when every attempt lost its race
     */
    public static <T> Optional<T> update(Supplier<Optional<Versioned<T>>> find, Function<T, Optional<T>> change,
                                         Write<T> write, int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be positive, got " + attempts);
        }
        for (int attempt = 0; attempt < attempts; attempt++) {
            Optional<Versioned<T>> read = find.get();
            if (read.isEmpty()) {
                return Optional.empty();
            }
            Optional<T> changed = change.apply(read.get().value());
            if (changed.isEmpty()) {
                return Optional.empty();
            }
            if (write.write(read.get(), changed.get())) {
                return changed;
            }
        }
        throw new ConflictException(attempts);
    }
}
