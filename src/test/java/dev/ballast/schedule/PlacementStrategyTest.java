package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.HostPorts;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementConstraintType;
import dev.ballast.model.PlacementStrategy;
import dev.ballast.model.PlacementStrategyType;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Placement constraints and strategies over pure instance rows. */
class PlacementStrategyTest {
    private static final Demand TASK = new Demand(128, 256);
    private static final String GROUP = "service:web";

    @Test
    void binpack_on_memory_fills_one_instance_before_the_next() {
        List<InstanceRow> instances = List.of(instance("a", 1024, "us-east-1a"), instance("b", 1024, "us-east-1b"));
        Placement.Result r =
                place(instances, List.of(), 6, List.of(), List.of(strategy(PlacementStrategyType.BINPACK, "memory")));
        assertThat(r.failureReason()).isNull();
        assertThat(names(r)).containsExactly("a", "a", "a", "a", "b", "b");
    }

    @Test
    void binpack_prefers_the_instance_with_the_least_memory_left() {
        List<InstanceRow> instances = List.of(instance("big", 4096, "z"), instance("small", 1024, "z"));
        Placement.Result r =
                place(instances, List.of(), 1, List.of(), List.of(strategy(PlacementStrategyType.BINPACK, "memory")));
        assertThat(names(r)).containsExactly("small");
    }

    @Test
    void without_a_strategy_tasks_spread_over_instances() {
        List<InstanceRow> instances = List.of(instance("a", 4096, "z"), instance("b", 4096, "z"));
        assertThat(names(place(instances, List.of(), 4, List.of(), List.of()))).containsExactly("a", "b", "a", "b");
    }

    @Test
    void spread_over_availability_zones_balances_zones_not_instances() {
        // zone a has three instances, zone b one: six tasks go three and three
        List<InstanceRow> instances = List.of(
                instance("a1", 4096, "us-east-1a"),
                instance("a2", 4096, "us-east-1a"),
                instance("a3", 4096, "us-east-1a"),
                instance("b1", 4096, "us-east-1b"));
        Placement.Result r = place(
                instances,
                List.of(),
                6,
                List.of(),
                List.of(
                        strategy(PlacementStrategyType.SPREAD, "attribute:ecs.availability-zone"),
                        strategy(PlacementStrategyType.SPREAD, "instanceId")));
        Map<String, Integer> perZone = new TreeMap<>();
        names(r).forEach(n -> perZone.merge(n.substring(0, 1), 1, Integer::sum));
        assertThat(perZone).containsEntry("a", 3).containsEntry("b", 3);
        assertThat(names(r).stream().filter(n -> n.startsWith("a")).distinct()).hasSize(3);
    }

    @Test
    void spread_counts_the_groups_live_tasks() {
        List<InstanceRow> instances = List.of(instance("a", 4096, "us-east-1a"), instance("b", 4096, "us-east-1b"));
        List<TaskRow> live =
                List.of(task("a", GROUP), task("a", GROUP), task("b", "family:other"), task("b", "family:other"));
        Placement.Result r = place(
                instances,
                live,
                2,
                List.of(),
                List.of(strategy(PlacementStrategyType.SPREAD, "attribute:ecs.availability-zone")));
        assertThat(names(r)).containsExactly("b", "b");
    }

    @Test
    void distinct_instance_puts_one_task_of_the_group_per_instance_counting_live_ones() {
        List<InstanceRow> instances =
                List.of(instance("a", 4096, "z"), instance("b", 4096, "z"), instance("c", 4096, "z"));
        List<TaskRow> live = List.of(task("a", GROUP), task("b", "family:other"));
        Placement.Result r = place(instances, live, 3, List.of(distinct()), List.of());
        assertThat(names(r)).containsExactlyInAnyOrder("b", "c");
        assertThat(r.failureReason()).isEqualTo("DistinctInstance placement constraint unsatisfied.");
    }

    @Test
    void member_of_narrows_the_instances() {
        List<InstanceRow> instances = List.of(
                instance("a", 4096, "us-east-1a", "t2.small"),
                instance("b", 4096, "us-east-1b", "m5.large"),
                instance("c", 4096, "us-east-1c", "m5.large"));
        Placement.Result r =
                place(instances, List.of(), 4, List.of(memberOf("attribute:ecs.instance-type == m5.large")), List.of());
        assertThat(names(r)).containsExactly("b", "c", "b", "c");
    }

    @Test
    void member_of_that_excludes_every_instance_says_so() {
        List<InstanceRow> instances = List.of(instance("a", 4096, "us-east-1a", "t2.small"));
        Placement.Result r =
                place(instances, List.of(), 1, List.of(memberOf("attribute:ecs.instance-type =~ g4dn.*")), List.of());
        assertThat(r.instanceArns()).isEmpty();
        assertThat(r.failureReason()).isEqualTo("MemberOf placement constraint unsatisfied.");
    }

    @Test
    void resources_are_reported_among_the_admitted_instances() {
        List<InstanceRow> instances =
                List.of(instance("a", 128, "us-east-1a", "m5.large"), instance("b", 4096, "us-east-1b", "t2.small"));
        Placement.Result r =
                place(instances, List.of(), 1, List.of(memberOf("attribute:ecs.instance-type == m5.large")), List.of());
        assertThat(r.failureReason()).isEqualTo("RESOURCE:MEMORY");
    }

    @Test
    void member_of_task_group_follows_tasks_placed_in_the_same_call() {
        List<InstanceRow> instances = List.of(instance("a", 4096, "z"), instance("b", 4096, "z"));
        List<TaskRow> live = List.of(task("b", "service:db"));
        Placement.Result r =
                place(instances, live, 2, List.of(memberOf("not(task:group == service:db)"), distinct()), List.of());
        assertThat(names(r)).containsExactly("a");
        assertThat(r.failureReason()).isEqualTo("DistinctInstance placement constraint unsatisfied.");
    }

    @Test
    void random_is_reproducible_with_a_seed_and_uses_every_instance() {
        List<InstanceRow> instances = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            instances.add(instance("i" + k, 1 << 20, "z"));
        }
        List<PlacementStrategy> random = List.of(new PlacementStrategy(PlacementStrategyType.RANDOM, null));
        Placement.Request request =
                new Placement.Request(instances, List.of(), t -> HostPorts.NONE, TASK, 200, GROUP, List.of(), random);
        List<String> first = Placement.place(request, new SplittableRandom(7)).instanceArns();
        List<String> again = Placement.place(request, new SplittableRandom(7)).instanceArns();
        assertThat(first).isEqualTo(again).hasSize(200);
        assertThat(first.stream().distinct()).hasSize(5);
        // not the default spread's round robin over the same instances
        Placement.Request spread = new Placement.Request(
                instances, List.of(), t -> HostPorts.NONE, TASK, 200, GROUP, List.of(), List.of());
        assertThat(first).isNotEqualTo(Placement.place(spread).instanceArns());
    }

    @Test
    void later_strategies_break_the_ties_of_earlier_ones() {
        // spread over zones first; within zone a, binpack on memory picks the fuller instance
        List<InstanceRow> instances = List.of(
                instance("a-empty", 4096, "us-east-1a"),
                instance("a-full", 1024, "us-east-1a"),
                instance("b", 4096, "us-east-1b"));
        Placement.Result r = place(
                instances,
                List.of(),
                2,
                List.of(),
                List.of(
                        strategy(PlacementStrategyType.SPREAD, "attribute:ecs.availability-zone"),
                        strategy(PlacementStrategyType.BINPACK, "memory")));
        assertThat(names(r)).containsExactly("a-full", "b");
    }

    private static Placement.Result place(
            List<InstanceRow> instances,
            List<TaskRow> live,
            int count,
            List<PlacementConstraint> constraints,
            List<PlacementStrategy> strategies) {
        Function<TaskRow, HostPorts> ports = t -> HostPorts.NONE;
        return Placement.place(
                new Placement.Request(instances, live, ports, TASK, count, GROUP, constraints, strategies),
                new SplittableRandom(1));
    }

    private static List<String> names(Placement.Result r) {
        return r.instanceArns().stream()
                .map(a -> a.substring(a.lastIndexOf('/') + 1))
                .toList();
    }

    private static PlacementStrategy strategy(PlacementStrategyType type, String field) {
        return new PlacementStrategy(type, field);
    }

    private static PlacementConstraint distinct() {
        return new PlacementConstraint(PlacementConstraintType.DISTINCT_INSTANCE, null);
    }

    private static PlacementConstraint memberOf(String expression) {
        return new PlacementConstraint(PlacementConstraintType.MEMBER_OF, expression);
    }

    static InstanceRow instance(String id, int memory, String zone) {
        return instance(id, memory, zone, "t2.small");
    }

    static InstanceRow instance(String id, int memory, String zone, String type) {
        return new InstanceRow(
                arn(id),
                "default",
                "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                "i-" + id,
                ContainerInstanceStatus.ACTIVE.wire(),
                true,
                1 << 20,
                memory,
                Map.of("ecs.availability-zone", zone, "ecs.instance-type", type),
                "1.83.0",
                0L);
    }

    private static String arn(String id) {
        return "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + id;
    }

    private static TaskRow task(String instance, String group) {
        return new TaskRow(
                "arn:aws:ecs:us-east-1:000000000000:task/default/" + instance + group,
                "default",
                "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
                null,
                null,
                null,
                group,
                arn(instance),
                DesiredStatus.RUNNING.wire(),
                TaskStatus.RUNNING.wire(),
                List.of(),
                null,
                null,
                null,
                0,
                0,
                0L,
                null,
                null,
                null,
                null,
                null,
                0);
    }
}
