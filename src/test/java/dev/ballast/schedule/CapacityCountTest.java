package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.CapacityProviderStrategyItem;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.TaskRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Capacity#current}: which of a group's live tasks count towards a strategy's bases and weights — those
 * meant to keep running, and for a service only the launching deployment's, so a rolling deployment keeps its
 * bases.
 */
class CapacityCountTest {
    private static final List<CapacityProviderStrategyItem> STRATEGY = List.of(
            new CapacityProviderStrategyItem("FARGATE", 0, 1), new CapacityProviderStrategyItem("FARGATE_SPOT", 1, 0));

    private static TaskRow task(String deployment, String provider, DesiredStatus desired, TaskStatus last) {
        return new TaskRow(
                        "arn:task/" + deployment + "/" + provider,
                        "c",
                        "arn:cluster/c",
                        "arn:td/app:1",
                        "arn:service/c/web",
                        deployment,
                        deployment,
                        "service:web",
                        "arn:instance/1",
                        desired.wire(),
                        last.wire(),
                        List.of(),
                        null,
                        null,
                        null,
                        256,
                        512,
                        0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        0)
                .withLaunch(new TaskLaunch(LaunchType.FARGATE, provider, null, null));
    }

    @Test
    void aNewDeploymentCountsOnlyItsOwnTasks() {
        List<TaskRow> live = List.of(
                task("ecs-svc/old", "FARGATE", DesiredStatus.RUNNING, TaskStatus.RUNNING),
                task("ecs-svc/old", "FARGATE_SPOT", DesiredStatus.RUNNING, TaskStatus.RUNNING));
        int[] current = Capacity.current(STRATEGY, "service:web", "ecs-svc/new", live);
        assertThat(current).containsExactly(0, 0);
        // so its first task fills FARGATE's base again
        assertThat(Capacity.split(STRATEGY, current, 2)).containsExactly(1, 1);
        // the old deployment still counts its own
        assertThat(Capacity.current(STRATEGY, "service:web", "ecs-svc/old", live))
                .containsExactly(1, 1);
    }

    @Test
    void tasksToldToStopDoNotCount() {
        List<TaskRow> live = List.of(
                task("ecs-svc/a", "FARGATE", DesiredStatus.STOPPED, TaskStatus.RUNNING),
                task("ecs-svc/a", "FARGATE_SPOT", DesiredStatus.RUNNING, TaskStatus.PROVISIONING),
                task("ecs-svc/a", "FARGATE_SPOT", DesiredStatus.RUNNING, TaskStatus.STOPPED));
        assertThat(Capacity.current(STRATEGY, "service:web", "ecs-svc/a", live)).containsExactly(0, 1);
        // RunTask (no deployment) counts the group's tasks of every deployment still meant to run
        assertThat(Capacity.current(STRATEGY, "service:web", null, live)).containsExactly(0, 1);
        assertThat(Capacity.current(STRATEGY, "family:other", null, live)).containsExactly(0, 0);
    }
}
