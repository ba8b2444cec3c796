package dev.ballast.deploy;

import dev.ballast.model.RolloutState;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The controllers' gauges: {@code ballast.tasks} by {@code status} (lastStatus), {@code ballast.deployments} by
 * {@code rollout_state} (deployments not INACTIVE) and {@code ballast.launch.backoff} (services whose launches
 * back off after consecutive failed starts). The label values are fixed sets, so the series are bounded.
 */
public final class DeployMetrics {
    private static final List<String> TASK_STATUSES =
            Arrays.stream(TaskStatus.values()).map(TaskStatus::wire).toList();
    private static final List<String> ROLLOUT_STATES =
            Arrays.stream(RolloutState.values()).map(RolloutState::wire).toList();

    private DeployMetrics() {}

    /** Registers the gauges; each scrape runs one grouped query per family (on indexed columns). */
    public static void bind(MeterRegistry metrics, Store store, ServiceController controller) {
        Counts tasks = new Counts(() -> store.tasks().countsByStatus());
        Counts deployments = new Counts(() -> store.deployments().activeCountsByRolloutState());
        for (String status : TASK_STATUSES) {
            Gauge.builder("ballast.tasks", () -> tasks.get(status))
                    .description("Tasks in the store by lastStatus (stopped ones until they are purged)")
                    .baseUnit("tasks")
                    .tag("status", status)
                    .register(metrics);
        }
        for (String state : ROLLOUT_STATES) {
            Gauge.builder("ballast.deployments", () -> deployments.get(state))
                    .description("Service deployments that are not INACTIVE, by rolloutState")
                    .baseUnit("deployments")
                    .tag("rollout_state", state)
                    .register(metrics);
        }
        Gauge.builder("ballast.launch.backoff", controller::backingOff)
                .description("Services whose task launches back off after consecutive failed starts (on the replica "
                        + "driving the controllers)")
                .baseUnit("services")
                .register(metrics);
    }

    /**
     * One grouped query serves all gauges of a family in one scrape (its answer is reused for a second). The
     * query runs under a lock, not a monitor: a slow store does not pin the carrier of every waiting thread.
     */
    private static final class Counts {
        private final ReentrantLock lock = new ReentrantLock();
        private final Supplier<Map<String, Integer>> query;
        private Map<String, Integer> last = Map.of();
        private long readAt = Long.MIN_VALUE;

        Counts(Supplier<Map<String, Integer>> query) {
            this.query = query;
        }

        double get(String key) {
            lock.lock();
            try {
                long now = System.nanoTime();
                if (readAt == Long.MIN_VALUE || now - readAt > 1_000_000_000L) {
                    try {
                        last = query.get();
                    } catch (RuntimeException e) {
                        return Double.NaN; // store unreachable: no figure rather than a failed scrape
                    }
                    readAt = now;
                }
                return last.getOrDefault(key, 0);
            } finally {
                lock.unlock();
            }
        }
    }
}
