package dev.ballast.agent;

import static dev.ballast.agent.DependsOnTest.definition;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.ballast.agent.AgentTest.ScriptedRuntime;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container health checks run by the agent, against a real SQLite store and a scripted runtime whose check
 * results the test sets: what the store (hence DescribeTasks) shows, the task's health, and dependsOn HEALTHY.
 * Checks run every second here (below ECS's 5 s minimum, which registration enforces; these tasks are placed
 * directly), so each test waits a few seconds, polling with {@link Eventually}.
 */
class HealthChecksTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    static final String INSTANCE = AgentTest.INSTANCE;

    @TempDir
    Path dir;

    ScriptedRuntime runtime;
    MutableClock clock;
    Store store;
    Agent agent;
    Tasks tasks;

    @BeforeEach
    void open() {
        runtime = new ScriptedRuntime();
        clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        store = Store.openSqlite(dir, clock);
        agent = new Agent(INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2);
        tasks = new Tasks(store);
    }

    @AfterEach
    void close() {
        agent.close();
        store.close();
    }

    private static String check(String command, int retries, int startPeriod) {
        return "\"healthCheck\":{\"command\":[\"CMD-SHELL\",\"" + command
                + "\"],\"interval\":1,\"timeout\":1,\"retries\":" + retries + ",\"startPeriod\":" + startPeriod + "}";
    }

    private ContainerRow container(TaskRow task, String name) {
        return tasks.get(task).containers().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** Runs agent passes until {@code condition} holds. */
    private void passUntil(String what, Supplier<Boolean> condition) {
        Eventually.await(what, WAIT, () -> {
            agent.reconcileOnce();
            try {
                agent.awaitPulls(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return condition.get();
        });
    }

    @Test
    void a_passing_check_makes_the_container_and_the_task_healthy() throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "pass",
                        "{\"name\":\"app\"," + check("ok", 3, 0) + "}",
                        "{\"name\":\"side\",\"essential\":false}"));
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("RUNNING");
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::name, ContainerRow::healthStatus)
                .as("UNKNOWN before the first result; no status without a check")
                .containsExactly(tuple("app", "UNKNOWN"), tuple("side", null));
        assertThat(tasks.get(task).health().status().wire()).isEqualTo("UNKNOWN");

        passUntil("app HEALTHY", () -> "HEALTHY".equals(container(task, "app").healthStatus()));
        assertThat(tasks.get(task).health().status().wire()).isEqualTo("HEALTHY");
        assertThat(agent.healthChecking()).isEqualTo(1);
    }

    @Test
    void consecutive_failures_make_it_unhealthy_and_one_success_healthy_again() throws Exception {
        runtime.checks.put("probe", new CheckResult.Failed("exit code 1"));
        TaskRow task =
                tasks.placeDefined(INSTANCE, definition("fail", "{\"name\":\"app\"," + check("probe", 2, 0) + "}"));
        passUntil(
                "app UNHEALTHY", () -> "UNHEALTHY".equals(container(task, "app").healthStatus()));
        assertThat(runtime.checksRun.get())
                .as("retries 2: two failed checks at least")
                .isGreaterThanOrEqualTo(2);
        TaskRow unhealthy = tasks.get(task);
        assertThat(unhealthy.health().status().wire()).isEqualTo("UNHEALTHY");
        assertThat(unhealthy.lastStatus())
                .as("the agent does not stop a task for its health; the service scheduler does")
                .isEqualTo("RUNNING");
        assertThat(unhealthy.desiredStatus()).isEqualTo("RUNNING");

        runtime.checks.put("probe", new CheckResult.Passed());
        passUntil(
                "app HEALTHY again",
                () -> "HEALTHY".equals(container(task, "app").healthStatus()));
    }

    @Test
    void timed_out_checks_are_failures() throws Exception {
        runtime.checks.put("slow", new CheckResult.TimedOut());
        TaskRow task =
                tasks.placeDefined(INSTANCE, definition("slow", "{\"name\":\"app\"," + check("slow", 1, 0) + "}"));
        passUntil(
                "app UNHEALTHY", () -> "UNHEALTHY".equals(container(task, "app").healthStatus()));
    }

    @Test
    void failures_in_the_start_period_do_not_count() throws Exception {
        runtime.checks.put("boot", new CheckResult.Failed("exit code 1"));
        TaskRow task =
                tasks.placeDefined(INSTANCE, definition("boot", "{\"name\":\"app\"," + check("boot", 1, 4) + "}"));
        Tasks.settle(agent);
        passUntil("two checks in the start period", () -> runtime.checksRun.get() >= 2);
        agent.reconcileOnce();
        assertThat(container(task, "app").healthStatus())
                .as("retries 1, but still in the 4 s start period")
                .isEqualTo("UNKNOWN");
        clock.advance(Duration.ofSeconds(4)); // the start period ends by the agent's clock, not by waiting
        passUntil(
                "app UNHEALTHY after the start period",
                () -> "UNHEALTHY".equals(container(task, "app").healthStatus()));
    }

    @Test
    void depends_on_healthy_starts_the_dependent_once_the_dependency_is_healthy() throws Exception {
        runtime.checks.put("ready", new CheckResult.Failed("exit code 1"));
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "healthy",
                        "{\"name\":\"db\",\"essential\":false," + check("ready", 10, 0) + "}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"db\",\"condition\":\"HEALTHY\"}]}"));
        passUntil("db checked twice", () -> runtime.checksRun.get() >= 2);
        agent.reconcileOnce();
        assertThat(tasks.get(task).lastStatus()).isEqualTo("PENDING");
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus, ContainerRow::healthStatus)
                .containsExactly(tuple("db", "RUNNING", "UNKNOWN"), tuple("app", "PENDING", null));

        runtime.checks.put("ready", new CheckResult.Passed());
        passUntil("task RUNNING", () -> tasks.get(task).lastStatus().equals("RUNNING"));
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus, ContainerRow::healthStatus)
                .containsExactly(tuple("db", "RUNNING", "HEALTHY"), tuple("app", "RUNNING", null));
    }

    @Test
    void depends_on_healthy_can_never_be_met_once_the_dependency_is_unhealthy() throws Exception {
        runtime.checks.put("never", new CheckResult.Failed("exit code 1"));
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "unhealthy",
                        "{\"name\":\"db\",\"essential\":false," + check("never", 1, 0) + "}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"db\",\"condition\":\"HEALTHY\"}]}"));
        passUntil("task STOPPED", () -> tasks.get(task).lastStatus().equals("STOPPED"));
        TaskRow stopped = tasks.get(task);
        assertThat(stopped.stopCode()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason())
                .isEqualTo("DependencyConditionNotMet: container app depends on db "
                        + "(condition HEALTHY), which is UNHEALTHY");
        assertThat(container(task, "app").runtimeId()).as("never started").isNull();
    }

    @Test
    void depends_on_healthy_can_never_be_met_once_the_dependency_exited_first() throws Exception {
        runtime.checks.put("late", new CheckResult.Failed("exit code 1"));
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "exited",
                        "{\"name\":\"db\",\"essential\":false," + check("late", 10, 0) + "}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"db\",\"condition\":\"HEALTHY\"}]}"));
        Tasks.settle(agent);
        runtime.exits.put(container(task, "db").runtimeId(), new ExitStatus(1, null));
        passUntil("task STOPPED", () -> tasks.get(task).lastStatus().equals("STOPPED"));
        assertThat(tasks.get(task).stoppedReason())
                .isEqualTo("DependencyConditionNotMet: container app depends on db "
                        + "(condition HEALTHY), which exited before it was HEALTHY");
    }

    @Test
    void checks_end_when_the_container_exits_and_its_last_status_stands() throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "ends",
                        "{\"name\":\"app\"}",
                        "{\"name\":\"job\",\"essential\":false," + check("job", 1, 0) + "}"));
        passUntil("job HEALTHY", () -> "HEALTHY".equals(container(task, "job").healthStatus()));
        runtime.exits.put(container(task, "job").runtimeId(), new ExitStatus(0, null));
        passUntil(
                "job STOPPED and no longer checked",
                () -> "STOPPED".equals(container(task, "job").lastStatus()) && agent.healthChecking() == 0);
        assertThat(container(task, "job").healthStatus()).isEqualTo("HEALTHY");
        assertThat(tasks.get(task).lastStatus()).isEqualTo("RUNNING");
    }
}
