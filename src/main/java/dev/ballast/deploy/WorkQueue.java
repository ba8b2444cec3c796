package dev.ballast.deploy;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A keyed work queue with the semantics of client-go's workqueue: a key is held at most once however often it is
 * added ("dirty"); a key being processed is never handed to a second worker, and one added meanwhile is queued
 * again, once, when its worker is {@link #done(String) done} with it ("processing"). Delayed adds (requeue-after,
 * back-off) wait on the injected {@link Clock}: a key becomes ready once the clock has reached its due time, so
 * tests move the clock instead of sleeping. Errors back off per key, exponentially from {@code base} up to
 * {@code cap}, until the key is {@link #forget(String) forgotten} after a success.
 *
 * <p>Every method takes one short lock that is never held across I/O or a reconcile.
 */
final class WorkQueue {
    private final Clock clock;
    private final Duration base;
    private final Duration cap;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // mutable, guarded by lock
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Map<String, Long> waiting = new HashMap<>(); // key -> due, epoch ms on the clock
    private final Map<String, Integer> failures = new HashMap<>();
    private boolean shutDown;

    /**
     * @param base the first back-off after an error (then doubled per consecutive error)
     * @param cap the longest back-off
     */
    WorkQueue(Clock clock, Duration base, Duration cap) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException(
                    "back-off must be positive and at most its cap, got " + base + " and " + cap);
        }
        this.base = base;
        this.cap = cap;
    }

    /** Queues {@code key} now, unless it is queued already (a key being processed is queued again when it is done). */
    void add(String key) {
        Objects.requireNonNull(key, "key");
        lock.lock();
        try {
            addLocked(key);
        } finally {
            lock.unlock();
        }
    }

    /** Queues {@code key} once {@code delay} has passed on the clock (an earlier due time already set wins). */
    void addAfter(String key, Duration delay) {
        Objects.requireNonNull(key, "key");
        if (delay.isNegative() || delay.isZero()) {
            add(key);
            return;
        }
        lock.lock();
        try {
            waiting.merge(key, clock.millis() + delay.toMillis(), Math::min);
            changed.signalAll(); // a worker waiting longer than this may shorten its wait
        } finally {
            lock.unlock();
        }
    }

    /** Counts one more consecutive error for {@code key} and queues it after its back-off; answers the back-off. */
    Duration addWithBackoff(String key) {
        Duration delay;
        lock.lock();
        try {
            int n = failures.merge(key, 1, Integer::sum);
            delay = backoff(n);
        } finally {
            lock.unlock();
        }
        addAfter(key, delay);
        return delay;
    }

    /** Ends {@code key}'s back-off (after a success): its next error starts again from the base delay. */
    void forget(String key) {
        lock.lock();
        try {
            failures.remove(key);
        } finally {
            lock.unlock();
        }
    }

    /** True while {@code key} waits out an error's back-off (a periodic resync leaves it alone). */
    boolean backingOff(String key) {
        lock.lock();
        try {
            return failures.containsKey(key) && waiting.containsKey(key);
        } finally {
            lock.unlock();
        }
    }

    /** The next ready key, now marked as processing, or null when none is ready. The caller must call {@link #done}. */
    String poll() {
        lock.lock();
        try {
            promoteDue();
            return next();
        } finally {
            lock.unlock();
        }
    }

    /**
     * As {@link #poll()}, waiting for a key at most {@code maxWait} of real time (less when a delayed key falls due
     * sooner on the clock); null when none became ready or the queue is shut down.
     */
    String take(Duration maxWait) throws InterruptedException {
        lock.lock();
        try {
            long deadline = System.nanoTime() + maxWait.toNanos();
            while (!shutDown) {
                long dueIn = promoteDue();
                String key = next();
                if (key != null) {
                    return key;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(dueIn)));
            }
            return null;
        } finally {
            lock.unlock();
        }
    }

    /** Ends the processing of {@code key}; if it was added meanwhile, it is queued again now. */
    void done(String key) {
        lock.lock();
        try {
            processing.remove(key);
            if (dirty.contains(key)) {
                ready.add(key);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** True when no key is ready (on the clock, now) and none is being processed; delayed keys do not count. */
    boolean idle() {
        lock.lock();
        try {
            promoteDue();
            return ready.isEmpty() && processing.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Waits (real time, at most {@code maxWait}) until no key is being processed by anyone; true when none is. */
    boolean awaitNoneProcessing(Duration maxWait) throws InterruptedException {
        lock.lock();
        try {
            long left = maxWait.toNanos();
            while (!processing.isEmpty() && left > 0) {
                left = changed.awaitNanos(left);
            }
            return processing.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /** Keys queued or waiting, not counting those being processed (for a gauge). */
    int depth() {
        lock.lock();
        try {
            return dirty.size()
                    + (int) waiting.keySet().stream()
                            .filter(k -> !dirty.contains(k))
                            .count();
        } finally {
            lock.unlock();
        }
    }

    /** Drops every queued and waiting key (keys being processed finish; back-off counts are kept). */
    void clear() {
        lock.lock();
        try {
            ready.clear();
            dirty.clear();
            waiting.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting worker and hands out no more keys. */
    void shutDown() {
        lock.lock();
        try {
            shutDown = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    Duration backoff(int consecutiveErrors) {
        int doublings = Math.min(Math.max(consecutiveErrors - 1, 0), 30);
        long millis = base.toMillis() << doublings;
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }

    private void addLocked(String key) {
        if (!dirty.add(key)) {
            return;
        }
        if (!processing.contains(key)) {
            ready.add(key);
            changed.signalAll();
        }
    }

    private String next() {
        String key = ready.poll();
        if (key != null) {
            dirty.remove(key);
            processing.add(key);
        }
        return key;
    }

    /** Queues the delayed keys that are due; answers the milliseconds until the next one is (Long.MAX_VALUE: none). */
    private long promoteDue() {
        long now = clock.millis();
        long next = Long.MAX_VALUE;
        var it = waiting.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> e = it.next();
            if (e.getValue() <= now) {
                it.remove();
                addLocked(e.getKey());
            } else {
                next = Math.min(next, e.getValue() - now);
            }
        }
        return next;
    }
}
