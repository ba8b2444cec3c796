package dev.ballast.agent;

import dev.ballast.model.HealthStatus;

/**
 * The health of one container as Docker's health checker defines it, which ECS reports: UNKNOWN until the first
 * conclusive result; one passing check makes it HEALTHY; {@code retries} consecutive failures (a timed-out check
 * is a failure) make it UNHEALTHY. During the start period failures do not count, unless a check has passed
 * already (then later failures count as usual).
 *
 * @param status HEALTHY, UNHEALTHY or UNKNOWN
 * @param failures consecutive failures counted so far
 */
record HealthState(String status, int failures) {
    static final HealthState INITIAL = new HealthState(HealthStatus.UNKNOWN.wire(), 0);

    /** The state after {@code result}; {@code inStartPeriod} when the container started less than startPeriod ago. */
    HealthState next(CheckResult result, boolean inStartPeriod, int retries) {
        return switch (result) {
            case CheckResult.Passed p -> new HealthState(HealthStatus.HEALTHY.wire(), 0);
            case CheckResult.Failed f -> failed(inStartPeriod, retries);
            case CheckResult.TimedOut t -> failed(inStartPeriod, retries);
            case CheckResult.NotRunning n -> this;
            case CheckResult.Unsupported u -> this;
        };
    }

    private HealthState failed(boolean inStartPeriod, int retries) {
        if (inStartPeriod && !status.equals(HealthStatus.HEALTHY.wire())) {
            return this;
        }
        int count = failures + 1;
        return new HealthState(count >= retries ? HealthStatus.UNHEALTHY.wire() : status, count);
    }
}
