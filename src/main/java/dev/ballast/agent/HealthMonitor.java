package dev.ballast.agent;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs containers' health checks on their own schedule, one virtual thread per checked container, so that a
 * slow check never holds up an agent pass: passes {@link #watch} running containers and read the
 * {@link #status latest result}. A checker runs its first check one {@code interval} after it starts watching
 * (Docker's timing), then every {@code interval}; it ends when the container is no longer running, when the
 * runtime cannot run checks, or when {@link #retain} drops it. {@code onChange} is called after each change of
 * status, so that a driver waiting between passes runs the next one now.
 */
final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    private final ContainerRuntime runtime;
    private final Clock clock;
    private final Runnable onChange;
    private final Map<String, Checker> checkers = new ConcurrentHashMap<>();

    HealthMonitor(ContainerRuntime runtime, Clock clock, Runnable onChange) {
        this.runtime = runtime;
        this.clock = clock;
        this.onChange = onChange;
    }

    /** Starts checking the container (by its ARN) unless it is checked already. */
    void watch(String containerArn, String runtimeId, HealthCheck check) {
        checkers.computeIfAbsent(containerArn, arn -> {
            Checker c = new Checker(arn, runtimeId, check);
            c.thread = Thread.ofVirtual()
                    .name("health-" + runtimeId.substring(0, Math.min(12, runtimeId.length())))
                    .start(c::run);
            return c;
        });
    }

    /** The container's health after its first conclusive check; empty before that or when it is not checked here. */
    Optional<String> status(String containerArn) {
        Checker c = checkers.get(containerArn);
        return c == null || c.state == HealthState.INITIAL ? Optional.empty() : Optional.of(c.state.status());
    }

    /** Stops checking every container not in {@code containerArns} (their tasks stopped or left this instance). */
    void retain(Set<String> containerArns) {
        for (String arn : Set.copyOf(checkers.keySet())) {
            if (!containerArns.contains(arn)) {
                Checker c = checkers.remove(arn);
                if (c != null) {
                    c.thread.interrupt();
                }
            }
        }
    }

    /** True when some container is (or was, until {@link #retain} drops it) watched. */
    boolean watching() {
        return !checkers.isEmpty();
    }

    /** How many containers are being checked now. */
    int checking() {
        return (int) checkers.values().stream().filter(c -> c.thread.isAlive()).count();
    }

    @Override
    public void close() {
        retain(Set.of());
    }

    private final class Checker {
        private final String containerArn;
        private final String runtimeId;
        private final HealthCheck check;
        private volatile HealthState state = HealthState.INITIAL;
        private Thread thread;

        Checker(String containerArn, String runtimeId, HealthCheck check) {
            this.containerArn = containerArn;
            this.runtimeId = runtimeId;
            this.check = check;
        }

        void run() {
            long started = clock.millis();
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(check.interval());
                    CheckResult result = probe();
                    if (result instanceof CheckResult.NotRunning
                            || result instanceof CheckResult.Unsupported
                            || (!(result instanceof CheckResult.Passed) && exited())) {
                        return; // keeps its last status: an exit is not a failed check
                    }
                    boolean inStartPeriod =
                            Duration.ofMillis(clock.millis() - started).compareTo(check.startPeriod()) < 0;
                    HealthState before = state;
                    state = before.next(result, inStartPeriod, check.retries());
                    if (!state.status().equals(before.status())) {
                        LOG.info(
                                "agent container={}: health {} -> {} ({})",
                                containerArn,
                                before.status(),
                                state.status(),
                                describe(result));
                        onChange.run();
                    }
                }
            } catch (InterruptedException e) {
                // asked to stop
            }
        }

        private boolean exited() {
            try {
                return runtime.status(runtimeId).isPresent();
            } catch (RuntimeException e) {
                return false;
            }
        }

        private CheckResult probe() {
            try {
                return runtime.runCheck(runtimeId, check.exec(), check.timeout());
            } catch (RuntimeException e) {
                // The engine could not run the check: a failure, as in Docker's own health checker.
                return new CheckResult.Failed(
                        "the check could not be run: " + e.getClass().getSimpleName());
            }
        }
    }

    private static String describe(CheckResult r) {
        return switch (r) {
            case CheckResult.Passed p -> "check passed";
            case CheckResult.Failed f -> "check failed: " + f.why();
            case CheckResult.TimedOut t -> "check timed out";
            case CheckResult.NotRunning n -> "container not running";
            case CheckResult.Unsupported u -> "checks not supported";
        };
    }
}
