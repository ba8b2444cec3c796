package dev.ballast.deploy;

import static dev.ballast.deploy.DaemonPlan.Standing.DISCONNECTED;
import static dev.ballast.deploy.DaemonPlan.Standing.DRAINING_BUSY;
import static dev.ballast.deploy.DaemonPlan.Standing.DRAINING_IDLE;
import static dev.ballast.deploy.DaemonPlan.Standing.ELIGIBLE;
import static dev.ballast.deploy.DaemonPlan.Standing.UNMATCHED;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.DesiredStatus;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The DAEMON scheduling arithmetic: one primary task per eligible instance, stops, drains and replacement. */
class DaemonPlanTest {
    private static final String PRIMARY = "d2";
    private static final String OLD = "d1";

    @Test
    void everyEligibleInstanceWithoutATaskGetsOneAndDesiredIsTheirCount() {
        DaemonPlan plan = plan(Map.of("a", ELIGIBLE, "b", ELIGIBLE, "c", ELIGIBLE), List.of(), 0);
        assertThat(plan.desired()).isEqualTo(3);
        assertThat(plan.launchOn()).containsExactly("a", "b", "c");
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.steady()).isFalse();
    }

    @Test
    void oneRunningPrimaryTaskPerEligibleInstanceIsSteady() {
        DaemonPlan plan = plan(
                Map.of("a", ELIGIBLE, "b", ELIGIBLE),
                List.of(running("t1", "a", PRIMARY), running("t2", "b", PRIMARY)),
                0);
        assertThat(plan.launchOn()).isEmpty();
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.oldGone()).isTrue();
        assertThat(plan.steady()).isTrue();
    }

    @Test
    void aJoiningInstanceGetsOneAndAPendingTaskIsNotSteady() {
        DaemonPlan plan = plan(
                Map.of("a", ELIGIBLE, "b", ELIGIBLE, "c", ELIGIBLE),
                List.of(running("t1", "a", PRIMARY), pending("t2", "b", PRIMARY)),
                0);
        assertThat(plan.desired()).isEqualTo(3);
        assertThat(plan.launchOn()).containsExactly("c");
        assertThat(plan.steady()).isFalse();
    }

    @Test
    void tasksOnInstancesThatNoLongerQualifyStop() {
        DaemonPlan plan = plan(
                Map.of("a", ELIGIBLE, "b", UNMATCHED),
                List.of(running("t1", "a", PRIMARY), running("t2", "b", PRIMARY), running("t3", "gone", PRIMARY)),
                0);
        assertThat(plan.desired()).isEqualTo(1);
        assertThat(stops(plan)).containsExactlyInAnyOrder("t2 NOT_ELIGIBLE", "t3 NOT_ELIGIBLE");
        assertThat(plan.launchOn()).isEmpty();
        assertThat(plan.steady()).isFalse();
    }

    @Test
    void onADrainingInstanceTheDaemonTaskStopsOnlyOnceTheOtherServiceTasksAreGone() {
        List<TaskRow> live = List.of(running("t1", "a", PRIMARY), running("t2", "b", PRIMARY));
        DaemonPlan busy = plan(Map.of("a", ELIGIBLE, "b", DRAINING_BUSY), live, 0);
        assertThat(busy.desired()).isEqualTo(1);
        assertThat(busy.stops()).isEmpty();
        assertThat(busy.launchOn()).as("no replacement elsewhere").isEmpty();
        assertThat(busy.steady()).isFalse();

        DaemonPlan idle = plan(Map.of("a", ELIGIBLE, "b", DRAINING_IDLE), live, 0);
        assertThat(stops(idle)).containsExactly("t2 DRAINING");
        assertThat(idle.launchOn()).isEmpty();
        assertThat(idle.stops().getFirst().why().reason(PRIMARY)).isEqualTo(ServiceController.DRAINING_REASON);
    }

    @Test
    void aDisconnectedInstanceKeepsItsTaskAndGetsNone() {
        DaemonPlan plan = plan(
                Map.of("a", ELIGIBLE, "b", DISCONNECTED, "c", DISCONNECTED),
                List.of(running("t1", "a", PRIMARY), running("t2", "b", PRIMARY)),
                0);
        assertThat(plan.desired()).isEqualTo(1);
        assertThat(plan.stops()).isEmpty();
        assertThat(plan.launchOn()).isEmpty();
    }

    @Test
    void aNewDeploymentWithMinimumHealthyZeroReplacesEveryInstanceStopFirst() {
        Map<String, DaemonPlan.Standing> three = Map.of("a", ELIGIBLE, "b", ELIGIBLE, "c", ELIGIBLE);
        List<TaskRow> old = List.of(running("t1", "a", OLD), running("t2", "b", OLD), running("t3", "c", OLD));
        DaemonPlan first = plan(three, old, 0);
        assertThat(stops(first)).containsExactly("t1 REPLACED", "t2 REPLACED", "t3 REPLACED");
        assertThat(first.launchOn()).as("a stopping task is waited for").isEmpty();
        assertThat(first.oldGone()).isFalse();
        assertThat(first.stops().getFirst().why().reason(PRIMARY)).contains("(deployment d2)");

        List<TaskRow> stopping = old.stream().map(DaemonPlanTest::stopping).toList();
        assertThat(plan(three, stopping, 0).launchOn()).isEmpty();
        DaemonPlan afterStopped = plan(three, List.of(), 0);
        assertThat(afterStopped.launchOn()).containsExactly("a", "b", "c");
    }

    @Test
    void minimumHealthyPercentBoundsHowManyInstancesAreReplacedAtOnce() {
        Map<String, DaemonPlan.Standing> four = Map.of("a", ELIGIBLE, "b", ELIGIBLE, "c", ELIGIBLE, "d", ELIGIBLE);
        List<TaskRow> old = List.of(
                running("t1", "a", OLD), running("t2", "b", OLD), running("t3", "c", OLD), running("t4", "d", OLD));
        assertThat(stops(plan(four, old, 50))).containsExactly("t1 REPLACED", "t2 REPLACED");

        // a and b run new pending tasks: only 2 RUNNING, none more may stop; then they run and 2 more may
        List<TaskRow> half = new ArrayList<>(List.of(pending("n1", "a", PRIMARY), pending("n2", "b", PRIMARY)));
        half.addAll(old.subList(2, 4));
        assertThat(plan(four, half, 50).stops()).isEmpty();
        List<TaskRow> halfRunning = new ArrayList<>(List.of(running("n1", "a", PRIMARY), running("n2", "b", PRIMARY)));
        halfRunning.addAll(old.subList(2, 4));
        assertThat(stops(plan(four, halfRunning, 50))).containsExactly("t3 REPLACED", "t4 REPLACED");
    }

    @Test
    void aPendingOldTaskIsReplacedWhateverTheMinimum() {
        DaemonPlan plan = plan(
                Map.of("a", ELIGIBLE, "b", ELIGIBLE), List.of(running("t1", "a", OLD), pending("t2", "b", OLD)), 100);
        assertThat(stops(plan)).containsExactly("t2 REPLACED");
    }

    @Test
    void aSecondTaskOnOneInstanceStopsKeepingTheRunningPrimaryOne() {
        DaemonPlan plan =
                plan(Map.of("a", ELIGIBLE), List.of(pending("t1", "a", PRIMARY), running("t2", "a", PRIMARY)), 0);
        assertThat(stops(plan)).containsExactly("t1 DUPLICATE");
        assertThat(plan.desired()).isEqualTo(1);
    }

    @Test
    void noEligibleInstanceAndNoTaskIsSteadyAtZero() {
        DaemonPlan plan = plan(Map.of("a", UNMATCHED), List.of(), 0);
        assertThat(plan.desired()).isZero();
        assertThat(plan.steady()).isTrue();
    }

    private static DaemonPlan plan(Map<String, DaemonPlan.Standing> standings, List<TaskRow> live, int minPercent) {
        return DaemonPlan.plan(new TreeMap<>(standings), live, PRIMARY, minPercent, 100);
    }

    private static List<String> stops(DaemonPlan plan) {
        return plan.stops().stream().map(s -> s.task().arn() + " " + s.why()).toList();
    }

    private static TaskRow running(String arn, String instance, String deployment) {
        return task(arn, instance, deployment, DesiredStatus.RUNNING, TaskStatus.RUNNING);
    }

    private static TaskRow pending(String arn, String instance, String deployment) {
        return task(arn, instance, deployment, DesiredStatus.RUNNING, TaskStatus.PENDING);
    }

    private static TaskRow stopping(TaskRow t) {
        return task(t.arn(), t.containerInstanceArn(), t.deploymentId(), DesiredStatus.STOPPED, TaskStatus.RUNNING);
    }

    private static TaskRow task(
            String arn, String instance, String deployment, DesiredStatus desired, TaskStatus last) {
        return new TaskRow(
                arn,
                "default",
                "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/logs:1",
                "arn:aws:ecs:us-east-1:123456789012:service/default/logs",
                deployment,
                deployment,
                "service:logs",
                instance,
                desired.wire(),
                last.wire(),
                List.of(),
                null,
                null,
                null,
                0,
                0,
                1_000,
                null,
                null,
                null,
                null,
                null,
                0);
    }
}
