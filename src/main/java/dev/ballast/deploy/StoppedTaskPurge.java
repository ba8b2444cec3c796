package dev.ballast.deploy;

import dev.ballast.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Purges stopped tasks once they have been stopped for longer than the retention (ECS keeps them about an hour),
 * so that the store does not grow with every task ever run. Runs as part of the reconcile pass (on the replica
 * holding shard 0, under its fence), at most once per {@link #EVERY}, deleting at most {@link #BATCH} tasks per
 * transaction and {@link #BATCHES_PER_PASS} batches per pass: a large backlog is worked off over several passes
 * without holding the store for long. Every tenth run also trims each service's events to the newest
 * {@link #EVENTS_KEPT}.
 */
public final class StoppedTaskPurge {
    private static final Logger LOG = LoggerFactory.getLogger(StoppedTaskPurge.class);
    /** How often the purge looks for expired tasks. */
    static final Duration EVERY = Duration.ofSeconds(30);
    /** Tasks deleted per transaction. */
    static final int BATCH = 500;
    /** Transactions per pass. */
    static final int BATCHES_PER_PASS = 10;
    /** Service events kept per service (DescribeServices shows the newest 100); older ones are purged too. */
    static final int EVENTS_KEPT = 1_000;

    private final Store store;
    private final Clock clock;
    private final Duration retention;
    private long lastRun = Long.MIN_VALUE;
    private long runs;

    /** @param retention how long a stopped task stays visible (DescribeTasks, ListTasks) before it is purged */
    public StoppedTaskPurge(Store store, Clock clock, Duration retention) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("stopped-task retention must be positive, got " + retention);
        }
        this.retention = retention;
    }

    public Duration retention() {
        return retention;
    }

    /** Purges expired stopped tasks when due; returns how many were deleted. */
    public int passOnce() {
        long now = clock.millis();
        if (lastRun != Long.MIN_VALUE && now - lastRun < EVERY.toMillis() && now >= lastRun) {
            return 0;
        }
        lastRun = now;
        long cutoff = now - retention.toMillis();
        int total = 0;
        for (int i = 0; i < BATCHES_PER_PASS; i++) {
            int n = store.tasks().purgeStopped(cutoff, BATCH);
            total += n;
            if (n < BATCH) {
                break;
            }
        }
        if (total > 0) {
            LOG.info("purged {} task(s) stopped for more than {}", total, retention);
        }
        // the events' count is a grouped scan of their index: every tenth run (5 minutes) is enough
        int events = runs++ % 10 == 0 ? store.events().trim(EVENTS_KEPT, 100) : 0;
        if (events > 0) {
            LOG.info("purged {} service event(s) beyond the newest {} of their service", events, EVENTS_KEPT);
        }
        return total;
    }
}
