package dev.ballast.bench;

import dev.ballast.core.HostPorts;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementConstraintType;
import dev.ballast.model.PlacementStrategy;
import dev.ballast.model.PlacementStrategyType;
import dev.ballast.model.TaskStatus;
import dev.ballast.schedule.Demand;
import dev.ballast.schedule.Placement;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Issue 12 figure: the cost of placement constraints. Places TASKS tasks of one group, ten per call (RunTask's
 * largest count, and a service's launch batch), over INSTANCES container instances with
 * {@code spread(attribute:ecs.availability-zone)} then {@code spread(instanceId)}, once without constraints and
 * once with two {@code memberOf} constraints that every instance satisfies (so both place the same tasks on the
 * same instances and the difference is the constraints' evaluation). Each call sees the tasks placed so far as
 * live tasks, as the launcher does. The two variants alternate, ROUNDS measured rounds after as many warm-up
 * rounds. Pure placement (no store, no HTTP). Usage: bench/placement [TASKS [INSTANCES [ROUNDS]]].
 */
public final class PlacementBenchmark {
    static final String GROUP = "service:web";
    static final List<PlacementStrategy> SPREAD = List.of(
            new PlacementStrategy(PlacementStrategyType.SPREAD, "attribute:ecs.availability-zone"),
            new PlacementStrategy(PlacementStrategyType.SPREAD, "instanceId"));
    static final List<PlacementConstraint> CONSTRAINTS = List.of(
            new PlacementConstraint(
                    PlacementConstraintType.MEMBER_OF,
                    "attribute:ecs.instance-type =~ m5\\..* and attribute:ecs.availability-zone in "
                            + "[us-east-1a, us-east-1b, us-east-1c]"),
            new PlacementConstraint(
                    PlacementConstraintType.MEMBER_OF, "attribute:stack == prod and not(task:group == service:batch)"));

    private PlacementBenchmark() {}

    public static void main(String[] args) {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int instanceCount = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        List<InstanceRow> instances = instances(instanceCount);
        System.out.printf(
                "placing %d tasks (10 per call) over %d instances, %d warm-up + %d measured rounds%n",
                tasks, instanceCount, rounds, rounds);
        double[] without = new double[rounds];
        double[] with = new double[rounds];
        for (int r = -rounds; r < rounds; r++) {
            double a = run(instances, tasks, List.of());
            double b = run(instances, tasks, CONSTRAINTS);
            if (r >= 0) {
                without[r] = a;
                with[r] = b;
                System.out.printf("round %2d: without %.1f ms, with %.1f ms%n", r + 1, a, b);
            }
        }
        Arrays.sort(without);
        Arrays.sort(with);
        double p50a = without[rounds / 2];
        double p50b = with[rounds / 2];
        System.out.println();
        System.out.println("| placement of " + tasks + " tasks | median (ms) | min (ms) | per task (µs, median) |");
        System.out.println("| --- | ---: | ---: | ---: |");
        System.out.printf("| spread, no constraints | %.1f | %.1f | %.1f |%n", p50a, without[0], 1000 * p50a / tasks);
        System.out.printf("| spread + 2 memberOf | %.1f | %.1f | %.1f |%n", p50b, with[0], 1000 * p50b / tasks);
        System.out.printf("| ratio with / without | **%.2f** | %.2f | |%n", p50b / p50a, with[0] / without[0]);
    }

    /** Milliseconds to place {@code tasks} tasks in calls of ten; checks every task was placed. */
    static double run(List<InstanceRow> instances, int tasks, List<PlacementConstraint> constraints) {
        List<TaskRow> live = new ArrayList<>(tasks);
        Demand demand = new Demand(16, 32);
        long t0 = System.nanoTime();
        int n = 0;
        while (n < tasks) {
            int count = Math.min(10, tasks - n);
            Placement.Result r = Placement.place(
                    new Placement.Request(
                            instances, live, t -> HostPorts.NONE, demand, count, GROUP, constraints, SPREAD),
                    new SplittableRandom(n));
            if (r.failureReason() != null || r.instanceArns().size() != count) {
                throw new IllegalStateException("placement failed: " + r.failureReason());
            }
            for (String arn : r.instanceArns()) {
                live.add(task(n++, arn));
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    static List<InstanceRow> instances(int count) {
        String[] zones = {"us-east-1a", "us-east-1b", "us-east-1c"};
        String[] types = {"m5.large", "m5.xlarge", "m5.2xlarge"};
        List<InstanceRow> out = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            out.add(new InstanceRow(
                    String.format("arn:aws:ecs:us-east-1:123456789012:container-instance/bench/%032d", k),
                    "bench",
                    "arn:aws:ecs:us-east-1:123456789012:cluster/bench",
                    String.format("i-%017d", k),
                    ContainerInstanceStatus.ACTIVE.wire(),
                    true,
                    1 << 20,
                    1 << 20,
                    Map.of(
                            "ecs.availability-zone",
                            zones[k % zones.length],
                            "ecs.instance-type",
                            types[k % types.length],
                            "ecs.os-type",
                            "linux",
                            "stack",
                            "prod"),
                    "1.83.0",
                    0L));
        }
        return out;
    }

    private static TaskRow task(int n, String instance) {
        return new TaskRow(
                "arn:aws:ecs:us-east-1:123456789012:task/bench/" + n,
                "bench",
                "arn:aws:ecs:us-east-1:123456789012:cluster/bench",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                null,
                null,
                null,
                GROUP,
                instance,
                DesiredStatus.RUNNING.wire(),
                TaskStatus.RUNNING.wire(),
                List.of(),
                null,
                null,
                null,
                16,
                32,
                0L,
                null,
                null,
                null,
                null,
                null,
                0);
    }
}
