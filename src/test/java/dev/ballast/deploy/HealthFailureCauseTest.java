package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.DesiredStatus;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.StopCause;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The circuit breaker and the launch back-off count a task stopped for failing its health checks by the typed
 * cause stored with the stop, never by its {@code stoppedReason} prose: rewording the prose changes nothing,
 * and the same prose written by someone else (a StopTask reason) counts as nothing. Tasks go through a real
 * SQLite store, so the cause is the one read back from the stored document.
 */
class HealthFailureCauseTest {
    private static final String SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/default/web";

    @TempDir
    Path dir;

    private Store store;

    @BeforeEach
    void open() {
        store = Store.openSqlite(dir, Clock.systemUTC());
        store.clusters()
                .createOrGet(
                        "default",
                        "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                        "{\"settings\":[]}",
                        List.of());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void a_health_failed_task_counts_whatever_its_reason_says() {
        TaskRow sick = stored(stop(running("sick"), ServiceController.UNHEALTHY_REASON, StopCause.HEALTH_CHECK_FAILED));
        assertThat(sick.stopCause()).isEqualTo(StopCause.HEALTH_CHECK_FAILED);
        assertThat(FailedStarts.failedTask(sick)).isTrue();

        // change nothing but the prose, in the store: still counted
        Versioned<TaskRow> v = store.tasks().find(sick.arn()).orElseThrow();
        TaskRow reworded = v.value()
                .withDesired(
                        v.value().desiredStatus(),
                        v.value().stopCode(),
                        "Task stopped: an essential container kept failing its health check",
                        v.value().stoppingAt());
        assertThat(store.tasks().update(reworded, v.version())).isTrue();
        TaskRow read = store.tasks().find(sick.arn()).orElseThrow().value();
        assertThat(read.stoppedReason()).isNotEqualTo(ServiceController.UNHEALTHY_REASON);
        assertThat(read.stopCause()).isEqualTo(StopCause.HEALTH_CHECK_FAILED);
        assertThat(FailedStarts.failedTask(read)).isTrue();
    }

    @Test
    void the_health_prose_without_the_cause_counts_as_nothing() {
        // a user's StopTask whose reason happens to read like the health-check stop
        TaskRow user = stored(running("user")
                .withDesired(
                        DesiredStatus.STOPPED.wire(),
                        StopCode.USER_INITIATED.wire(),
                        ServiceController.UNHEALTHY_REASON,
                        2_000L));
        assertThat(user.stopCause()).isNull();
        assertThat(FailedStarts.failedTask(user)).isFalse();
        // a scale-in by the scheduler is no failure either
        TaskRow scaled = stored(stop(running("scaled"), "Scaling activity initiated by (deployment d1)", null));
        assertThat(FailedStarts.failedTask(scaled)).isFalse();
    }

    @Test
    void a_task_that_failed_to_start_counts_by_its_stop_code() {
        TaskRow failed = stored(running("failed")
                .withDesired(
                        DesiredStatus.STOPPED.wire(),
                        StopCode.TASK_FAILED_TO_START.wire(),
                        "CannotPullContainerError: any wording",
                        2_000L));
        assertThat(FailedStarts.failedTask(failed)).isTrue();
    }

    /** What ServiceController writes when it stops a service task. */
    private static TaskRow stop(TaskRow t, String reason, StopCause cause) {
        return t.withDesired(DesiredStatus.STOPPED.wire(), StopCode.SERVICE_SCHEDULER_INITIATED.wire(), reason, 2_000L)
                .withStopCause(cause);
    }

    private TaskRow stored(TaskRow t) {
        store.tasks().insertAll(List.of(t));
        return store.tasks().find(t.arn()).orElseThrow().value();
    }

    private static TaskRow running(String id) {
        String arn = "arn:aws:ecs:us-east-1:123456789012:task/default/" + id;
        List<TaskRow.ContainerRow> containers = List.of(new TaskRow.ContainerRow(
                "app",
                arn + "/app",
                "r/app:v1",
                "r/app:v1",
                null,
                TaskStatus.RUNNING.wire(),
                null,
                null,
                "c1",
                true,
                null,
                HealthStatus.UNHEALTHY.wire()));
        return new TaskRow(
                arn,
                "default",
                "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                SERVICE,
                "d1",
                "d1",
                "service:web",
                "i1",
                DesiredStatus.RUNNING.wire(),
                TaskStatus.RUNNING.wire(),
                containers,
                null,
                null,
                null,
                0,
                0,
                1_000,
                null,
                null,
                1_500L,
                null,
                null,
                0);
    }
}
