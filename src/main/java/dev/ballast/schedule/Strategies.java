package dev.ballast.schedule;

import dev.ballast.model.PlacementStrategy;
import dev.ballast.model.PlacementStrategyType;
import dev.ballast.schedule.Placement.Slot;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Orders candidate instances by a launch's {@code placementStrategy}, as ECS applies it: each strategy in turn,
 * a later one deciding only between instances the earlier ones rank equal.
 * <ul>
 *   <li>{@code spread} over {@code instanceId} / {@code host}: the instance with the fewest tasks of the group;
 *   <li>{@code spread} over {@code attribute:NAME}: the instance whose value of the attribute (a missing one is a
 *       value of its own) has the fewest tasks of the group, e.g. the emptiest availability zone;
 *   <li>{@code binpack} on {@code cpu} or {@code memory}: the instance with the least of it remaining, so one
 *       fills before the next;
 *   <li>{@code random}: a fresh draw per instance for each task.
 * </ul>
 * Remaining ties go to the instance with the fewest tasks (Ballast's default spread), then the lower ARN.
 */
final class Strategies {
    private final List<PlacementStrategy> strategies;
    private final String group;
    private final RandomGenerator random;
    /** Per {@code spread attribute:NAME} strategy (by index): tasks of the group per value of the attribute. */
    private final Map<Integer, Map<String, Integer>> perValue = new HashMap<>();
    /** Tasks of the group per instance ARN. */
    private final Map<String, Integer> groupTasks = new HashMap<>();

    private final boolean draws;

    Strategies(List<PlacementStrategy> strategies, String group, RandomGenerator random) {
        this.strategies = List.copyOf(strategies);
        this.group = group;
        this.random = random;
        this.draws = strategies.stream().anyMatch(s -> s.type() == PlacementStrategyType.RANDOM);
        for (int k = 0; k < this.strategies.size(); k++) {
            if (attributeOf(this.strategies.get(k)) != null) {
                perValue.put(k, new HashMap<>());
            }
        }
    }

    /** Counts the group's live tasks already on {@code s} (before any is placed). */
    void count(Slot s) {
        int n = (int) s.groups.stream().filter(this::ofGroup).count();
        groupTasks.put(s.instance.arn(), n);
        perValue.forEach((k, counts) -> counts.merge(valueOf(s, k), n, Integer::sum));
    }

    /** A task of the group went to {@code s}. */
    void placed(Slot s) {
        groupTasks.merge(s.instance.arn(), 1, Integer::sum);
        perValue.forEach((k, counts) -> counts.merge(valueOf(s, k), 1, Integer::sum));
    }

    /** New random draws for the next task (when a {@code random} strategy applies). */
    void draw(Collection<Slot> slots) {
        if (draws) {
            for (Slot s : slots) {
                s.draw = random.nextDouble();
            }
        }
    }

    /** Whether {@code a} goes before {@code b}. */
    boolean before(Slot a, Slot b) {
        for (int k = 0; k < strategies.size(); k++) {
            int c = compare(k, a, b);
            if (c != 0) {
                return c < 0;
            }
        }
        int c = Integer.compare(a.groups.size(), b.groups.size());
        return c != 0 ? c < 0 : a.instance.arn().compareTo(b.instance.arn()) < 0;
    }

    private int compare(int k, Slot a, Slot b) {
        PlacementStrategy s = strategies.get(k);
        return switch (s.type()) {
            case RANDOM -> Double.compare(a.draw, b.draw);
            case BINPACK ->
                "cpu".equalsIgnoreCase(s.field()) ? Integer.compare(a.cpu, b.cpu) : Integer.compare(a.memory, b.memory);
            case SPREAD -> {
                Map<String, Integer> counts = perValue.get(k);
                yield counts == null
                        ? Integer.compare(groupTasks.get(a.instance.arn()), groupTasks.get(b.instance.arn()))
                        : Integer.compare(counts.get(valueOf(a, k)), counts.get(valueOf(b, k)));
            }
        };
    }

    private String valueOf(Slot s, int k) {
        String name = attributeOf(strategies.get(k));
        var attributes = s.instance.attributes();
        String v = attributes == null ? null : attributes.get(name);
        return v == null ? "\u0000missing" : v;
    }

    private boolean ofGroup(String g) {
        return group == null || group.equals(g);
    }

    /** The attribute a {@code spread} strategy spreads over, or null for instanceId/host and other strategies. */
    static String attributeOf(PlacementStrategy s) {
        String f = s.field();
        return s.type() == PlacementStrategyType.SPREAD && f != null && f.startsWith("attribute:")
                ? f.substring("attribute:".length())
                : null;
    }
}
