package dev.ballast.deploy;

import dev.ballast.core.RepeatedLog;
import dev.ballast.store.TransientFailure;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link Reconciler} over a {@link WorkQueue} on a small pool of worker threads, in the style of
 * controller-runtime's controller: a key is reconciled by one worker at a time, a {@link Result#requeueAfter}
 * queues it again on the clock, and an exception queues it again after a per-key exponential back-off (logged
 * through a {@link RepeatedLog}, so a failure that repeats is one line a minute).
 *
 * <p>Before each key the runtime asks {@code accepts} (whether this replica holds the key's shard now): a key it
 * does not accept is not reconciled, and a shard lost between two keys stops their dispatch at the next one. Keys
 * registered with {@link #every} are periodic jobs: queued again after their period whatever happened, also when
 * not accepted (so that they run once this replica takes their shard); other keys not accepted are dropped, as the
 * resync of the replica holding them queues them there.
 *
 * <p>Workers block only on the queue and on what their reconcile does (the store); no lock is held while a
 * key is reconciled.
 */
public final class ControllerRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerRuntime.class);
    /** How long a worker waits for a key before it looks at the clock again (a clock moved by hand). */
    static final Duration MAX_WAIT = Duration.ofMillis(500);

    private final String name;
    private final Reconciler reconciler;
    private final Predicate<String> accepts;
    private final WorkQueue queue;
    private final RepeatedLog failures;
    private final Map<String, Duration> periodic = new ConcurrentHashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param name names the worker threads ({@code <name>-1} …)
     * @param workers how many keys are reconciled at once (at least 1)
     * @param accepts asked before each key; false: this replica does not reconcile that key now
     * @param backoff the first back-off after an error, doubled per consecutive error of the key
     * @param maxBackoff the longest back-off
     */
    public ControllerRuntime(
            String name,
            Reconciler reconciler,
            int workers,
            Clock clock,
            Predicate<String> accepts,
            Duration backoff,
            Duration maxBackoff) {
        if (workers < 1) {
            throw new IllegalArgumentException("a controller runtime needs at least 1 worker, got " + workers);
        }
        this.name = Objects.requireNonNull(name, "name");
        this.reconciler = Objects.requireNonNull(reconciler, "reconciler");
        this.accepts = Objects.requireNonNull(accepts, "accepts");
        this.queue = new WorkQueue(clock, backoff, maxBackoff);
        this.failures = new RepeatedLog(LOG, clock, Duration.ofMinutes(1));
        for (int i = 1; i <= workers; i++) {
            this.workers.add(Thread.ofPlatform().name(name + "-" + i).daemon().unstarted(this::work));
        }
    }

    /** Registers {@code key} as a periodic job, reconciled now and then every {@code period}; call before {@link #start()}. */
    public ControllerRuntime every(String key, Duration period) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("the period of " + key + " must be positive, got " + period);
        }
        periodic.put(key, period);
        queue.add(key);
        return this;
    }

    /** Starts the workers. */
    public ControllerRuntime start() {
        workers.forEach(Thread::start);
        return this;
    }

    /** Queues {@code key} now (a key already queued is not queued twice; one being reconciled runs once more after). */
    public void enqueue(String key) {
        queue.add(key);
    }

    /** Queues {@code key} now unless it is waiting out an error's back-off (for periodic resyncs). */
    public void resync(String key) {
        if (!queue.backingOff(key)) {
            queue.add(key);
        }
    }

    /** Queues {@code key} once {@code delay} has passed on the clock. */
    public void enqueueAfter(String key, Duration delay) {
        queue.addAfter(key, delay);
    }

    /** Keys queued or waiting (a gauge). */
    public int depth() {
        return queue.depth();
    }

    /**
     * Reconciles on the caller's thread every key that is ready now, and the keys they queue, until no key is
     * ready and no worker is reconciling one (keys delayed to a later time on the clock are left waiting). For
     * tests: deterministic, and safe while the workers run (a key is still reconciled by one thread at a time).
     */
    public void runUntilIdle() {
        try {
            while (true) {
                String key = queue.poll();
                if (key != null) {
                    process(key);
                } else if (!queue.awaitNoneProcessing(Duration.ofMinutes(1)) || queue.idle()) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void work() {
        while (running) {
            try {
                String key = queue.take(MAX_WAIT);
                if (key != null) {
                    process(key);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                failures.warn(Thread.currentThread().getName(), name + " worker: unexpected failure: " + e, e);
            }
        }
    }

    private void process(String key) {
        Duration period = periodic.get(key);
        try {
            if (!accepts.test(key)) {
                return; // dropped; a periodic job is queued again below
            }
            Result result = reconciler.reconcile(key);
            queue.forget(key);
            failures.clear(key);
            result.requeueAfter().ifPresent(d -> queue.addAfter(key, d));
        } catch (RuntimeException e) {
            Duration delay = queue.addWithBackoff(key);
            if (TransientFailure.of(e).isPresent()) {
                // the store is down or contended: every key fails alike, so one line (no trace) per interval
                failures.warn(
                        "store",
                        name + ": reconciles fail while the store is unavailable; retrying with back-off",
                        null);
            } else {
                failures.warn(key, "reconcile " + key + " failed; retrying in " + delay.toMillis() + " ms: " + e, e);
            }
        } finally {
            if (period != null) {
                queue.addAfter(key, period);
            }
            queue.done(key);
        }
    }

    /** Stops the workers (a reconcile in progress finishes first, waited for up to 5 s). */
    @Override
    public void close() {
        running = false;
        queue.shutDown();
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
