package dev.ballast.deploy;

/**
 * The rolling-update arithmetic (pure): how many tasks of the primary deployment to start and how many
 * tasks of older deployments to stop, within {@code minimumHealthyPercent}/{@code maximumPercent}.
 */
record Rollout(int start, int stopPrimary, int stopOld) {

    /**
     * @param desired        the service's desired count
     * @param primaryLive    primary tasks wanted RUNNING and not yet stopped
     * @param oldLive        older deployments' tasks wanted RUNNING and not yet stopped
     * @param runningPrimary primary tasks RUNNING
     * @param runningOld     older tasks RUNNING
     */
    static Rollout plan(
            int desired,
            int minPercent,
            int maxPercent,
            int primaryLive,
            int oldLive,
            int runningPrimary,
            int runningOld) {
        if (primaryLive > desired) {
            return new Rollout(0, primaryLive - desired, 0);
        }
        int maxTotal = (int) Math.floor(desired * maxPercent / 100.0);
        int minHealthy = (int) Math.ceil(desired * minPercent / 100.0);
        int start = Math.max(0, Math.min(desired - primaryLive, maxTotal - primaryLive - oldLive));
        int pendingOld = oldLive - runningOld;
        int stoppableRunning = Math.max(0, runningPrimary + runningOld - minHealthy);
        int stopOld = Math.min(oldLive, pendingOld + Math.min(runningOld, stoppableRunning));
        if (desired == 0) {
            stopOld = oldLive;
        }
        return new Rollout(start, 0, stopOld);
    }

    /** ECS's circuit-breaker threshold: clamp(ceil(0.5 × desired), 3, 200). */
    static int circuitBreakerThreshold(int desired) {
        return Math.max(3, Math.min(200, (int) Math.ceil(desired * 0.5)));
    }
}
