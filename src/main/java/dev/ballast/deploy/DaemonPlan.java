package dev.ballast.deploy;

import dev.ballast.model.DesiredStatus;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The DAEMON scheduling arithmetic (pure), next to {@link Rollout}'s for REPLICA services: one task of the primary
 * deployment on every eligible container instance (ACTIVE, connected, satisfying the service's placement
 * constraints), none elsewhere. A task on an instance that no longer qualifies stops; on a DRAINING instance it
 * stops only once the instance's other service tasks are gone (ECS stops daemon tasks last). A new deployment
 * replaces the old task instance by instance, stop first (a DAEMON service's {@code maximumPercent} is at most
 * 100), never leaving fewer than {@code minimumHealthyPercent} of the eligible instances with a RUNNING task.
 *
 * @param desired the eligible instances: the service's {@code desiredCount}
 * @param launchOn the instances to launch one primary task on now (no task of the service is left on them)
 * @param stops the tasks to stop now, and why
 * @param oldGone no live task of an older deployment is left
 * @param steady exactly one RUNNING, settled primary task on every eligible instance and no other live task
 */
record DaemonPlan(int desired, List<String> launchOn, List<Stop> stops, boolean oldGone, boolean steady) {
    /** The stopped reason of a task whose container instance no longer qualifies for its DAEMON service. */
    static final String NOT_ELIGIBLE_REASON =
            "Task stopped because its container instance no longer satisfies the service's placement constraints";

    /** How one container instance of the cluster stands for the service. */
    enum Standing {
        /** ACTIVE, connected and satisfying the constraints: it gets one task. */
        ELIGIBLE,
        /** ACTIVE and satisfying the constraints, but its agent is disconnected: its task stays, none is launched. */
        DISCONNECTED,
        /** DRAINING with other service tasks still live on it: its daemon task stays until they are gone. */
        DRAINING_BUSY,
        /** DRAINING with no other service task left: its daemon task stops. */
        DRAINING_IDLE,
        /** ACTIVE but no longer satisfying the placement constraints: its task stops. */
        UNMATCHED,
        /** Deregistered or unknown: its task stops. */
        GONE
    }

    /** Why a task stops. */
    enum Why {
        /** Its instance no longer satisfies the service's placement constraints (or is gone). */
        NOT_ELIGIBLE,
        /** Its instance is DRAINING and its other service tasks are gone. */
        DRAINING,
        /** An older deployment's task, replaced by the primary deployment's on the same instance. */
        REPLACED,
        /** A second task of the service on one instance. */
        DUPLICATE;

        /** The task's {@code stoppedReason}. */
        String reason(String primaryId) {
            return switch (this) {
                case NOT_ELIGIBLE -> NOT_ELIGIBLE_REASON;
                case DRAINING -> ServiceController.DRAINING_REASON;
                case REPLACED, DUPLICATE -> "Scaling activity initiated by (deployment " + primaryId + ")";
            };
        }
    }

    /** A task to stop. */
    record Stop(TaskRow task, Why why) {}

    /**
     * @param standings the cluster's instances by ARN (an instance missing here is {@link Standing#GONE})
     * @param live the service's tasks not yet STOPPED (wanted RUNNING or stopping)
     * @param primaryId the primary deployment's id
     */
    static DaemonPlan plan(
            Map<String, Standing> standings, List<TaskRow> live, String primaryId, int minPercent, int maxPercent) {
        List<String> eligible = new TreeMap<>(standings)
                .entrySet().stream()
                        .filter(e -> e.getValue() == Standing.ELIGIBLE)
                        .map(Map.Entry::getKey)
                        .toList();
        int desired = eligible.size();
        Map<String, List<TaskRow>> wantedOn = new LinkedHashMap<>();
        for (TaskRow t : live) {
            if (t.desiredStatus().equals(DesiredStatus.RUNNING.wire())) {
                wantedOn.computeIfAbsent(t.containerInstanceArn(), k -> new ArrayList<>())
                        .add(t);
            }
        }
        List<Stop> stops = new ArrayList<>();
        List<TaskRow> kept = new ArrayList<>();
        for (Map.Entry<String, List<TaskRow>> e : wantedOn.entrySet()) {
            Standing standing = standings.getOrDefault(e.getKey(), Standing.GONE);
            List<TaskRow> tasks = new ArrayList<>(e.getValue());
            switch (standing) {
                case UNMATCHED, GONE -> tasks.forEach(t -> stops.add(new Stop(t, Why.NOT_ELIGIBLE)));
                case DRAINING_IDLE -> tasks.forEach(t -> stops.add(new Stop(t, Why.DRAINING)));
                case DRAINING_BUSY, DISCONNECTED -> {
                    // kept for now (not counted as eligible)
                }
                case ELIGIBLE -> {
                    tasks.sort(Comparator.comparing((TaskRow t) -> !primaryId.equals(t.deploymentId()))
                            .thenComparing(t -> !running(t))
                            .thenComparing(TaskRow::arn));
                    kept.add(tasks.getFirst());
                    tasks.subList(1, tasks.size()).forEach(t -> stops.add(new Stop(t, Why.DUPLICATE)));
                }
            }
        }
        // replacement: pending old tasks first, then RUNNING ones while minimumHealthyPercent holds
        int minHealthy = (int) Math.ceil(desired * minPercent / 100.0);
        int running = (int) kept.stream().filter(DaemonPlan::running).count();
        int stoppable = Math.max(0, running - minHealthy);
        List<TaskRow> old = kept.stream()
                .filter(t -> !primaryId.equals(t.deploymentId()))
                .sorted(Comparator.comparing(DaemonPlan::running).thenComparing(TaskRow::arn))
                .toList();
        for (TaskRow t : old) {
            if (!running(t)) {
                stops.add(new Stop(t, Why.REPLACED));
            } else if (stoppable > 0) {
                stops.add(new Stop(t, Why.REPLACED));
                stoppable--;
            }
        }
        // launch where no task of the service is left at all (a stopping one is waited for), within maximumPercent
        // of the eligible instances (tasks kept on DRAINING or disconnected instances do not hold a joiner back)
        long replaced = stops.stream().filter(s -> s.why() == Why.REPLACED).count();
        int room = (int) Math.max(0, Math.floor(desired * maxPercent / 100.0) - (kept.size() - replaced));
        List<String> occupied =
                live.stream().map(TaskRow::containerInstanceArn).distinct().toList();
        List<String> launchOn =
                eligible.stream().filter(i -> !occupied.contains(i)).limit(room).toList();
        boolean oldGone = live.stream().allMatch(t -> primaryId.equals(t.deploymentId()));
        boolean steady = oldGone
                && stops.isEmpty()
                && launchOn.isEmpty()
                && live.size() == desired
                && kept.size() == desired
                && kept.stream().allMatch(t -> running(t) && t.health().settled());
        return new DaemonPlan(desired, launchOn, List.copyOf(stops), oldGone, steady);
    }

    private static boolean running(TaskRow t) {
        return t.lastStatus().equals(TaskStatus.RUNNING.wire());
    }
}
