package dev.ballast.schedule;

import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementConstraintType;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Whether a container instance satisfies a launch's {@code placementConstraints}: {@code distinctInstance}
 * (no live task of the same group on it) and {@code memberOf} (a {@link ClusterQuery} expression over the
 * instance's attributes, fields and tasks). {@link #compile} parses the expressions once for many instances.
 */
public final class Constraints {
    /** ECS's failure reason when {@code memberOf} excludes every instance. */
    public static final String MEMBER_OF_UNSATISFIED = "MemberOf placement constraint unsatisfied.";
    /** ECS's failure reason when {@code distinctInstance} excludes every instance. */
    public static final String DISTINCT_INSTANCE_UNSATISFIED = "DistinctInstance placement constraint unsatisfied.";

    private final List<ClusterQuery> memberOf;
    private final boolean distinctInstance;

    private Constraints(List<ClusterQuery> memberOf, boolean distinctInstance) {
        this.memberOf = memberOf;
        this.distinctInstance = distinctInstance;
    }

    /**
     * The constraints, their expressions parsed.
     *
     * @throws InvalidQueryException when a {@code memberOf} expression does not parse
     */
    public static Constraints compile(List<PlacementConstraint> constraints) {
        List<ClusterQuery> queries = new ArrayList<>();
        boolean distinct = false;
        for (PlacementConstraint c : constraints) {
            if (c.type() == PlacementConstraintType.MEMBER_OF) {
                queries.add(ClusterQuery.parse(c.expression()));
            } else if (c.type() == PlacementConstraintType.DISTINCT_INSTANCE) {
                distinct = true;
            }
        }
        return new Constraints(List.copyOf(queries), distinct);
    }

    /**
     * Whether {@code instance} satisfies these constraints.
     *
     * @param liveOnInstance the live tasks on {@code instance} (stopped ones are skipped)
     * @param group the group of the tasks being placed
     */
    public boolean admits(InstanceRow instance, List<TaskRow> liveOnInstance, String group) {
        List<String> groups = new ArrayList<>();
        int running = 0;
        for (TaskRow t : liveOnInstance) {
            if (!t.isStopped()) {
                groups.add(t.group());
                running += t.lastStatus().equals(TaskStatus.RUNNING.wire()) ? 1 : 0;
            }
        }
        return failure(instance, groups, running, group) == null;
    }

    /** Whether there is anything to check. */
    boolean isEmpty() {
        return memberOf.isEmpty() && !distinctInstance;
    }

    /** Whether the answer for an instance changes as tasks are placed on it. */
    public boolean readsTasks() {
        return distinctInstance || memberOf.stream().anyMatch(ClusterQuery::readsTasks);
    }

    /**
     * The reason {@code instance} is refused (ECS's words: {@link #MEMBER_OF_UNSATISFIED}, then
     * {@link #DISTINCT_INSTANCE_UNSATISFIED}), or null when it satisfies every constraint.
     *
     * @param groups the groups of the live tasks on the instance, one entry per task
     */
    String failure(InstanceRow instance, Collection<String> groups, int running, String group) {
        for (ClusterQuery q : memberOf) {
            if (!q.matches(instance, groups, running)) {
                return MEMBER_OF_UNSATISFIED;
            }
        }
        if (distinctInstance && group != null && groups.contains(group)) {
            return DISTINCT_INSTANCE_UNSATISFIED;
        }
        return null;
    }
}
