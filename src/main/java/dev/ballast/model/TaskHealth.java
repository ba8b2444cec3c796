package dev.ballast.model;

import java.util.List;

/**
 * ECS {@code HealthStatus} of a task, computed in this one place from its containers' health as the agents
 * reported it. A task is UNHEALTHY when any essential container is UNHEALTHY; HEALTHY when every essential
 * container that has a health check is HEALTHY (and there is at least one); UNKNOWN otherwise, including a task
 * without health checks (ECS {@code Task.healthStatus}).
 *
 * @param containers the task's containers, in any order
 */
public record TaskHealth(List<Container> containers) {

    /**
     * What one container contributes.
     *
     * @param essential whether the container is essential (only essential containers count)
     * @param health its last reported health, or null when it has no health check
     */
    public record Container(boolean essential, HealthStatus health) {}

    public TaskHealth {
        containers = List.copyOf(containers);
    }

    /** A container's {@code healthStatus} as DescribeTasks shows it: UNKNOWN without a health check. */
    public static HealthStatus shown(HealthStatus container) {
        return container == null ? HealthStatus.UNKNOWN : container;
    }

    /** The task's {@code healthStatus}. */
    public HealthStatus status() {
        boolean anyChecked = false;
        boolean allHealthy = true;
        for (Container c : containers) {
            if (!c.essential() || c.health() == null) {
                continue;
            }
            if (c.health() == HealthStatus.UNHEALTHY) {
                return HealthStatus.UNHEALTHY;
            }
            anyChecked = true;
            allHealthy &= c.health() == HealthStatus.HEALTHY;
        }
        return anyChecked && allHealthy ? HealthStatus.HEALTHY : HealthStatus.UNKNOWN;
    }

    /**
     * True when the task's health does not hold up a deployment: it has no health-checked essential container,
     * or it is HEALTHY (ECS completes a deployment only once such tasks are healthy).
     */
    public boolean settled() {
        boolean checked = containers.stream().anyMatch(c -> c.essential() && c.health() != null);
        return !checked || status() == HealthStatus.HEALTHY;
    }
}
