package dev.ballast.schedule;

import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.PlacementConstraintType;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.TaskRow;
import java.util.List;

/**
 * Whether a container instance satisfies a launch's {@code placementConstraints}: {@code distinctInstance}
 * (no live task of the same group on it) and {@code memberOf} (a cluster query language expression over the
 * instance's attributes).
 */
public final class Constraints {
    private Constraints() {}

    /**
     * @param liveOnInstance the live tasks on {@code instance}
     * @param group the group of the tasks being placed
     */
    public static boolean admits(
            InstanceRow instance, List<PlacementConstraint> constraints, List<TaskRow> liveOnInstance, String group) {
        for (PlacementConstraint c : constraints) {
            if (c.type() == PlacementConstraintType.DISTINCT_INSTANCE
                    && liveOnInstance.stream().anyMatch(t -> !t.isStopped() && group.equals(t.group()))) {
                return false;
            }
            if (c.type() == PlacementConstraintType.MEMBER_OF) {
                throw new UnsupportedOperationException("memberOf: the cluster query language is not evaluated yet");
            }
        }
        return true;
    }
}
