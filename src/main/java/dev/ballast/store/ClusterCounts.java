package dev.ballast.store;

/**
 * What a cluster holds, counted in the store (ECS {@code Cluster} counts and {@code STATISTICS}).
 *
 * @param instances    registered container instances (ACTIVE and DRAINING)
 * @param runningTasks tasks whose {@code lastStatus} is RUNNING
 * @param pendingTasks tasks on their way to RUNNING (PROVISIONING, PENDING, ACTIVATING)
 * @param liveTasks    tasks not yet STOPPED (pending, running and stopping ones)
 * @param activeServices   services in ACTIVE status
 * @param drainingServices services in DRAINING status (deleted, tasks still stopping)
 */
public record ClusterCounts(
        int instances, int runningTasks, int pendingTasks, int liveTasks, int activeServices, int drainingServices) {

    public static final ClusterCounts NONE = new ClusterCounts(0, 0, 0, 0, 0, 0);
}
