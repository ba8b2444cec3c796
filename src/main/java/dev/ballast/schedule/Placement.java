package dev.ballast.schedule;

import dev.ballast.core.HostPorts;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementStrategy;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Places tasks on a cluster's ACTIVE, connected container instances where registered CPU and memory
 * remain and the task's fixed host ports are free, spreading them (the least-loaded instance first).
 * When nothing fits, the reason is the one ECS reports: {@code RESOURCE:MEMORY}, {@code RESOURCE:CPU} or
 * {@code RESOURCE:PORTS}.
 */
public final class Placement {
    /** Where the tasks went, and why the rest could not be placed (null when all were). */
    public record Result(List<String> instanceArns, String failureReason) {}

    /**
     * What to place.
     *
     * @param instances the candidate instances (already narrowed to a capacity pool or named targets)
     * @param liveTasks the cluster's live tasks (their reservations; constraints and strategies look at them)
     * @param portsOf the host ports a live task holds
     * @param group the tasks' {@code group} ({@code service:NAME} or {@code family:NAME})
     * @param constraints {@code placementConstraints}, all of which an instance must satisfy
     * @param strategies {@code placementStrategy}, in order; empty is Ballast's default (spread over instances)
     */
    public record Request(
            List<InstanceRow> instances,
            List<TaskRow> liveTasks,
            Function<TaskRow, HostPorts> portsOf,
            Demand demand,
            int count,
            String group,
            List<PlacementConstraint> constraints,
            List<PlacementStrategy> strategies) {
        public Request {
            constraints = constraints == null ? List.of() : List.copyOf(constraints);
            strategies = strategies == null ? List.of() : List.copyOf(strategies);
        }
    }

    private Placement() {}

    /** As below, for tasks that take no host ports. */
    public static Result place(List<InstanceRow> instances, List<TaskRow> liveTasks, Demand demand, int count) {
        return place(instances, liveTasks, t -> HostPorts.NONE, demand, count);
    }

    /**
     * @param portsOf the host ports a live task holds (from its task definition)
     */
    public static Result place(
            List<InstanceRow> instances,
            List<TaskRow> liveTasks,
            Function<TaskRow, HostPorts> portsOf,
            Demand demand,
            int count) {
        return place(new Request(instances, liveTasks, portsOf, demand, count, null, List.of(), List.of()));
    }

    /** Places {@code r.count()} tasks (constraints and strategies: not applied yet). */
    public static Result place(Request r) {
        List<InstanceRow> instances = r.instances();
        List<TaskRow> liveTasks = r.liveTasks();
        Function<TaskRow, HostPorts> portsOf = r.portsOf();
        Demand demand = r.demand();
        int count = r.count();
        Map<String, int[]> free = new HashMap<>();
        Map<String, HostPorts> taken = new HashMap<>();
        Map<String, Integer> load = new HashMap<>();
        for (InstanceRow i : instances) {
            if (i.status().equals(ContainerInstanceStatus.ACTIVE.wire()) && i.agentConnected()) {
                free.put(i.arn(), new int[] {i.cpu(), i.memory()});
                taken.put(i.arn(), i.reserved());
                load.put(i.arn(), 0);
            }
        }
        for (TaskRow t : liveTasks) {
            int[] f = free.get(t.containerInstanceArn());
            if (f != null && !t.isStopped()) {
                f[0] -= t.cpu();
                f[1] -= t.memory();
                taken.merge(t.containerInstanceArn(), portsOf.apply(t), HostPorts::plus);
                load.merge(t.containerInstanceArn(), 1, Integer::sum);
            }
        }
        List<String> placed = new ArrayList<>();
        String reason = null;
        for (int n = 0; n < count; n++) {
            String best = null;
            boolean memoryShort = false;
            boolean cpuShort = false;
            for (Map.Entry<String, int[]> e : free.entrySet()) {
                int[] f = e.getValue();
                boolean memOk = f[1] >= demand.memory();
                boolean cpuOk = f[0] >= demand.cpu();
                boolean portsOk = !demand.ports().overlaps(taken.get(e.getKey()));
                memoryShort |= !memOk;
                cpuShort |= memOk && !cpuOk;
                if (memOk && cpuOk && portsOk && (best == null || isLessLoaded(e.getKey(), best, load))) {
                    best = e.getKey();
                }
            }
            if (best == null) {
                reason = free.isEmpty()
                        ? PlacementFailures.noConnectedInstance(instances)
                        : memoryShort ? "RESOURCE:MEMORY" : cpuShort ? "RESOURCE:CPU" : "RESOURCE:PORTS";
                break;
            }
            int[] f = free.get(best);
            f[0] -= demand.cpu();
            f[1] -= demand.memory();
            taken.merge(best, demand.ports(), HostPorts::plus);
            load.merge(best, 1, Integer::sum);
            placed.add(best);
        }
        return new Result(placed, reason);
    }

    private static boolean isLessLoaded(String a, String b, Map<String, Integer> load) {
        return Comparator.<String, Integer>comparing(load::get)
                        .thenComparing(s -> s)
                        .compare(a, b)
                < 0;
    }
}
