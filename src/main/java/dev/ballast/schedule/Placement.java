package dev.ballast.schedule;

import dev.ballast.core.HostPorts;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementStrategy;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * Places tasks on a cluster's ACTIVE, connected container instances that satisfy the launch's
 * {@code placementConstraints} ({@link Constraints}) and where registered CPU and memory remain and the task's
 * fixed host ports are free, choosing among them by its {@code placementStrategy} ({@link Strategies}; none:
 * spread, the least-loaded instance first). When nothing fits, the reason is the one ECS reports:
 * {@code MemberOf placement constraint unsatisfied.} / {@code DistinctInstance placement constraint
 * unsatisfied.} when the constraints exclude every instance, else {@code RESOURCE:MEMORY}, {@code RESOURCE:CPU}
 * or {@code RESOURCE:PORTS}.
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

    /** Places {@code r.count()} tasks; {@code random} strategies draw from a fresh generator. */
    public static Result place(Request r) {
        return place(r, new Random());
    }

    /**
     * Places {@code r.count()} tasks one at a time: each goes to an instance that satisfies the constraints
     * and has the CPU, memory and host ports, chosen by the strategies in order (each breaks the previous
     * one's ties), then by the default spread (fewest tasks, then ARN).
     *
     * @param random what {@code random} strategies draw from (a seeded one in tests)
     */
    public static Result place(Request r, RandomGenerator random) {
        Constraints constraints;
        try {
            constraints = Constraints.compile(r.constraints());
        } catch (InvalidQueryException e) {
            // only a task definition registered before expressions were checked can carry one
            return new Result(List.of(), Constraints.MEMBER_OF_UNSATISFIED + " " + e.getMessage());
        }
        Strategies strategies = new Strategies(r.strategies(), r.group(), random);
        Map<String, Slot> slots = new LinkedHashMap<>();
        for (InstanceRow i : r.instances()) {
            if (i.status().equals(ContainerInstanceStatus.ACTIVE.wire()) && i.agentConnected()) {
                slots.put(i.arn(), new Slot(i));
            }
        }
        for (TaskRow t : r.liveTasks()) {
            Slot s = slots.get(t.containerInstanceArn());
            if (s != null && !t.isStopped()) {
                s.add(t.cpu(), t.memory(), r.portsOf().apply(t), t.group());
                s.running += t.lastStatus().equals(TaskStatus.RUNNING.wire()) ? 1 : 0;
            }
        }
        slots.values().forEach(strategies::count);
        boolean fixed = !constraints.readsTasks();
        Map<Slot, String> refusals = new HashMap<>();
        if (fixed) {
            slots.values()
                    .forEach(s -> refusals.put(s, constraints.failure(s.instance, s.groups, s.running, r.group())));
        }
        Demand demand = r.demand();
        List<String> placed = new ArrayList<>();
        String reason = null;
        for (int n = 0; n < r.count(); n++) {
            strategies.draw(slots.values());
            Slot best = null;
            boolean memoryShort = false;
            boolean cpuShort = false;
            String refusal = null;
            boolean admitted = false;
            for (Slot s : slots.values()) {
                String no = fixed ? refusals.get(s) : constraints.failure(s.instance, s.groups, s.running, r.group());
                if (no != null) {
                    refusal = refusal == null || no.equals(Constraints.DISTINCT_INSTANCE_UNSATISFIED) ? no : refusal;
                    continue;
                }
                admitted = true;
                boolean memOk = s.memory >= demand.memory();
                boolean cpuOk = s.cpu >= demand.cpu();
                memoryShort |= !memOk;
                cpuShort |= memOk && !cpuOk;
                if (memOk
                        && cpuOk
                        && !demand.ports().overlaps(s.ports)
                        && (best == null || strategies.before(s, best))) {
                    best = s;
                }
            }
            if (best == null) {
                reason = slots.isEmpty()
                        ? PlacementFailures.noConnectedInstance(r.instances())
                        : !admitted
                                ? refusal
                                : memoryShort ? "RESOURCE:MEMORY" : cpuShort ? "RESOURCE:CPU" : "RESOURCE:PORTS";
                break;
            }
            best.add(demand.cpu(), demand.memory(), demand.ports(), r.group());
            strategies.placed(best);
            placed.add(best.instance.arn());
        }
        return new Result(placed, reason);
    }

    /** An instance's state while tasks are placed: what remains, the ports taken, its tasks' groups. */
    static final class Slot {
        final InstanceRow instance;
        int cpu;
        int memory;
        HostPorts ports;
        final List<String> groups = new ArrayList<>();
        int running;
        double draw;

        Slot(InstanceRow instance) {
            this.instance = instance;
            this.cpu = instance.cpu();
            this.memory = instance.memory();
            this.ports = instance.reserved();
        }

        void add(int taskCpu, int taskMemory, HostPorts taskPorts, String group) {
            cpu -= taskCpu;
            memory -= taskMemory;
            ports = ports.plus(taskPorts);
            groups.add(group);
        }
    }
}
