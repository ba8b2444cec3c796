package dev.ballast.deploy;

import dev.ballast.store.LaunchFailures;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The launch back-off of a service (pure): after consecutive failed task starts, the scheduler waits
 * {@code base × 2^(n−1)} (n failures since a task last reached RUNNING), at most {@code cap}, before it
 * launches again, and then launches one task (a probe) rather than all that are missing. A task of the
 * deployment reaching RUNNING resets it; a new deployment starts at zero. ECS's service throttle works the
 * same way (its steps go up to about 27 minutes); Ballast's default cap is 15 minutes.
 */
record LaunchBackoff(Duration base, Duration cap) {
    /** 5 s after the first failure (the crash-loop guard Ballast always had), doubling up to 15 minutes. */
    static final LaunchBackoff DEFAULT = new LaunchBackoff(Duration.ofSeconds(5), Duration.ofMinutes(15));
    /** From this many consecutive failures on, the service says it "is unable to consistently start tasks successfully". */
    static final int REPORT_AFTER = 3;

    LaunchBackoff {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("back-off needs 0 < base <= cap, got " + base + " and " + cap);
        }
    }

    /** A task of the deployment that failed to start (or failed its health checks) and when it stopped. */
    record Failure(String taskArn, long stoppedAt) {}

    /** The failures after a pass, and the tasks counted for the first time (their events and the deployment's failedTasks). */
    record Observed(LaunchFailures failures, List<String> newlyCounted) {}

    /** How long launches wait after {@code consecutive} failures: zero for none, else base·2^(n−1), at most the cap. */
    Duration delay(int consecutive) {
        if (consecutive <= 0) {
            return Duration.ZERO;
        }
        long millis = base.toMillis() << Math.min(consecutive - 1, 40);
        return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
    }

    /** True while launches wait (epoch ms {@code now} is before the last failure plus the delay). */
    boolean waiting(LaunchFailures f, long now) {
        return f.consecutive() > 0 && now < f.lastAt() + delay(f.consecutive()).toMillis();
    }

    /** When the next launch may happen (epoch ms); {@code lastAt} when not backing off. */
    long nextLaunchAt(LaunchFailures f) {
        return f.lastAt() + delay(f.consecutive()).toMillis();
    }

    /** How many tasks one launch attempt starts: all that are wanted, or one while failures are counted. */
    static int batch(LaunchFailures f, int wanted) {
        return f.consecutive() > 0 ? Math.min(1, wanted) : wanted;
    }

    /**
     * Counts the failures not counted before (each exactly once, also when several stopped in the same
     * millisecond) and resets the consecutive count when a task reached RUNNING after the last counted failure.
     *
     * @param failed      the deployment's failed tasks (any order; those counted before are recognised)
     * @param latestStart when the deployment's newest task that reached RUNNING started (epoch ms), or 0
     */
    static Observed observe(LaunchFailures before, List<Failure> failed, long latestStart) {
        List<Failure> fresh = failed.stream()
                .filter(f -> f.stoppedAt() > before.lastAt()
                        || f.stoppedAt() == before.lastAt()
                                && !before.lastArns().contains(f.taskArn()))
                .toList();
        long lastAt = before.lastAt();
        for (Failure f : fresh) {
            lastAt = Math.max(lastAt, f.stoppedAt());
        }
        List<String> lastArns = new ArrayList<>();
        if (lastAt == before.lastAt()) {
            lastArns.addAll(before.lastArns());
        }
        long newest = lastAt;
        fresh.stream().filter(f -> f.stoppedAt() == newest).forEach(f -> lastArns.add(f.taskArn()));
        int consecutive = latestStart > before.lastAt() ? 0 : before.consecutive();
        consecutive +=
                (int) fresh.stream().filter(f -> f.stoppedAt() > latestStart).count();
        return new Observed(
                new LaunchFailures(consecutive, lastAt, lastArns),
                fresh.stream().map(Failure::taskArn).toList());
    }
}
