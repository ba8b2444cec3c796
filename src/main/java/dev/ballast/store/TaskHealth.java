package dev.ballast.store;

import dev.ballast.model.HealthStatus;
import dev.ballast.store.TaskRow.ContainerRow;

/**
 * ECS {@code HealthStatus} of containers and tasks, computed in this one place from what the agents reported.
 * A task is UNHEALTHY when any essential container is UNHEALTHY; HEALTHY when every essential container that
 * has a health check is HEALTHY (and there is at least one); UNKNOWN otherwise, including a task without
 * health checks (ECS {@code Task.healthStatus}).
 */
public final class TaskHealth {
    public static final String HEALTHY = HealthStatus.HEALTHY.wire();
    public static final String UNHEALTHY = HealthStatus.UNHEALTHY.wire();
    public static final String UNKNOWN = HealthStatus.UNKNOWN.wire();

    private TaskHealth() {}

    /** The container's {@code healthStatus} as DescribeTasks shows it: UNKNOWN without a health check. */
    public static String of(ContainerRow c) {
        return c.healthStatus() == null ? UNKNOWN : c.healthStatus();
    }

    /** The task's {@code healthStatus}. */
    public static String of(TaskRow t) {
        boolean anyChecked = false;
        boolean allHealthy = true;
        for (ContainerRow c : t.containers()) {
            if (!c.essential() || c.healthStatus() == null) {
                continue;
            }
            if (UNHEALTHY.equals(c.healthStatus())) {
                return UNHEALTHY;
            }
            anyChecked = true;
            allHealthy &= HEALTHY.equals(c.healthStatus());
        }
        return anyChecked && allHealthy ? HEALTHY : UNKNOWN;
    }

    /**
     * True when the task's health does not hold up a deployment: it has no health-checked essential container,
     * or it is HEALTHY (ECS completes a deployment only once such tasks are healthy).
     */
    public static boolean settled(TaskRow t) {
        boolean checked = t.containers().stream().anyMatch(c -> c.essential() && c.healthStatus() != null);
        return !checked || HEALTHY.equals(of(t));
    }
}
