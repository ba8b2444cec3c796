package dev.ballast.api;

import dev.ballast.core.ModelJson;
import dev.ballast.model.LaunchType;
import dev.ballast.model.ServiceStatus;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;

/**
 * A cluster's FARGATE tasks and services, for DescribeClusters' {@code STATISTICS} (the rest are EC2): read from
 * the cluster's live tasks and services, only when statistics are asked for.
 */
record FargateCounts(int runningTasks, int pendingTasks, int activeServices, int drainingServices) {
    /** More live services than a cluster may have (ECS: 5,000 per cluster). */
    private static final int MAX_SERVICES = 100_000;

    static FargateCounts of(Store store, String cluster) {
        int running = 0;
        int pending = 0;
        for (TaskRow t : store.tasks().liveInCluster(cluster)) {
            if (t.launch().launchType() != LaunchType.FARGATE) {
                continue;
            }
            TaskStatus s = TaskStatus.fromWire(t.lastStatus());
            if (s == TaskStatus.RUNNING) {
                running++;
            } else if (s.before(TaskStatus.RUNNING)) {
                pending++;
            }
        }
        int active = 0;
        int draining = 0;
        for (ServiceRow s : store.services().list(cluster, null, MAX_SERVICES)) {
            if (ModelJson.serviceLaunchType(s.spec()) != LaunchType.FARGATE) {
                continue;
            }
            if (s.status().equals(ServiceStatus.ACTIVE.wire())) {
                active++;
            } else if (s.status().equals(ServiceStatus.DRAINING.wire())) {
                draining++;
            }
        }
        return new FargateCounts(running, pending, active, draining);
    }
}
