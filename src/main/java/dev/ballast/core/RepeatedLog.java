package dev.ballast.core;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;

/**
 * Logs a failure that repeats (the same operation failing the same way on every pass of a loop) once, with
 * a count, instead of once per occurrence: the first occurrence of a key and message is logged at once
 * (with the stack trace when one is given, so the cause is seen once); identical occurrences within
 * {@code interval} are only counted; the first one after it logs again, "(repeated N times in the last
 * Xs)", without the stack trace. A different message for the same key is logged at once. Keys are what
 * failed ("reconcile service/…", "placement cluster/…"); at most {@link #MAX_KEYS} are remembered (the
 * oldest are forgotten, so a forgotten key simply logs again).
 *
 * <p>Thread-safe. The clock is injected, so tests move time by hand.
 */
public final class RepeatedLog {
    /** The most keys remembered; beyond that the least recently logged are forgotten. */
    public static final int MAX_KEYS = 1_000;

    /** How a suppressed occurrence is counted and what, if anything, to log now. */
    public enum Level {
        WARN,
        INFO
    }

    private record Seen(String message, long loggedAt, int suppressed) {}

    private final Logger log;
    private final Clock clock;
    private final long intervalMillis;
    private final Map<String, Seen> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Seen> eldest) {
            return size() > MAX_KEYS;
        }
    };

    /** @param interval how long identical occurrences are only counted after one was logged */
    public RepeatedLog(Logger log, Clock clock, Duration interval) {
        this.log = Objects.requireNonNull(log, "log");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
        this.intervalMillis = interval.toMillis();
    }

    /** A WARN for {@code key}: {@code message}, with {@code error}'s stack trace the first time (null: none). */
    public void warn(String key, String message, Throwable error) {
        log(Level.WARN, key, message, error);
    }

    /** An INFO for {@code key}: {@code message}. */
    public void info(String key, String message) {
        log(Level.INFO, key, message, null);
    }

    /**
     * Logs or counts one occurrence; returns the line logged, or null when it was only counted (for tests).
     */
    public String log(Level level, String key, String message, Throwable error) {
        long now = clock.millis();
        String line;
        boolean withTrace;
        synchronized (seen) {
            Seen before = seen.get(key);
            if (before != null && before.message().equals(message) && now - before.loggedAt() < intervalMillis) {
                seen.put(key, new Seen(message, before.loggedAt(), before.suppressed() + 1));
                return null;
            }
            boolean repeat = before != null && before.message().equals(message);
            line = repeat && before.suppressed() > 0
                    ? message + " (repeated " + before.suppressed() + " times in the last "
                            + Math.max(1, (now - before.loggedAt()) / 1000) + " s)"
                    : message;
            withTrace = !repeat && error != null;
            seen.put(key, new Seen(message, now, 0));
        }
        if (level == Level.WARN) {
            if (withTrace) {
                log.warn(line, error);
            } else {
                log.warn(line);
            }
        } else {
            log.info(line);
        }
        return line;
    }

    /** Forgets {@code key} (the failure ended): its next occurrence is logged at once. */
    public void clear(String key) {
        synchronized (seen) {
            seen.remove(key);
        }
    }
}
