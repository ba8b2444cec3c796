package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.ballast.agent.AgentTest.ScriptedRuntime;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dependsOn} and {@code essential} on the agent, against a real SQLite store and a scripted runtime in
 * which the test decides when containers exit: each condition, the failure paths, and when the task counts
 * as RUNNING.
 */
class DependsOnTest {

    static final String INSTANCE = AgentTest.INSTANCE;

    @TempDir
    Path dir;

    ScriptedRuntime runtime;
    Store store;
    Agent agent;
    Tasks tasks;

    @BeforeEach
    void open() {
        runtime = new ScriptedRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        store = Store.openSqlite(dir, clock);
        agent = new Agent(INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2);
        tasks = new Tasks(store);
    }

    @AfterEach
    void close() {
        agent.close();
        store.close();
    }

    /** A task definition of {@code containers} (JSON objects without the image, which is added). */
    static String definition(String family, String... containers) {
        StringBuilder sb = new StringBuilder("{\"family\":\"" + family + "\",\"containerDefinitions\":[");
        for (int i = 0; i < containers.length; i++) {
            String c = containers[i];
            String name = c.replaceAll(".*\"name\":\"([^\"]+)\".*", "$1");
            sb.append(i == 0 ? "" : ",")
                    .append(c, 0, c.length() - 1)
                    .append(",\"image\":\"127.0.0.1:1/")
                    .append(name)
                    .append(":v1\",\"memory\":32}");
        }
        return sb.append("]}").toString();
    }

    private ContainerRow container(TaskRow task, String name) {
        return tasks.get(task).containers().stream()
                .filter(c -> c.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private void exit(TaskRow task, String name, int code) {
        String id = container(task, name).runtimeId();
        assertThat(id).as("%s has started", name).isNotNull();
        runtime.exits.put(id, new ExitStatus(code, null));
    }

    @Test
    void start_waits_until_the_dependency_has_started() throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "start",
                        "{\"name\":\"db\",\"essential\":false}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"db\",\"condition\":\"START\"}]}"));
        runtime.failStarts.add("db");
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("PENDING");
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus)
                .containsExactly(tuple("db", "PENDING"), tuple("app", "PENDING"));
        assertThat(container(task, "app").imageDigest())
                .as("the digest is reported while PENDING")
                .startsWith("sha256:");

        runtime.failStarts.clear();
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("RUNNING");
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::lastStatus)
                .containsExactly("RUNNING", "RUNNING");
    }

    @Test
    void complete_waits_for_an_exit_with_any_code_and_the_task_runs_once_its_essential_container_started()
            throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "complete",
                        "{\"name\":\"init\",\"essential\":false}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"init\",\"condition\":\"COMPLETE\"}]}"));
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus())
                .as("the essential container has not started")
                .isEqualTo("PENDING");
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::lastStatus)
                .containsExactly("RUNNING", "PENDING");

        exit(task, "init", 7);
        Tasks.settle(agent);
        TaskRow running = tasks.get(task);
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.desiredStatus()).isEqualTo("RUNNING");
        assertThat(running.startedAt()).isNotNull();
        assertThat(running.containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus, ContainerRow::exitCode)
                .containsExactly(tuple("init", "STOPPED", 7), tuple("app", "RUNNING", null));
    }

    @Test
    void success_starts_the_dependent_after_an_exit_with_zero() throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "success",
                        "{\"name\":\"init\",\"essential\":false}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"init\",\"condition\":\"SUCCESS\"}]}"));
        Tasks.settle(agent);
        assertThat(container(task, "app").lastStatus()).isEqualTo("PENDING");
        exit(task, "init", 0);
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("RUNNING");
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::lastStatus, ContainerRow::exitCode)
                .containsExactly(tuple("STOPPED", 0), tuple("RUNNING", null));
    }

    @Test
    void success_with_a_non_zero_exit_stops_the_task_before_the_dependent_starts() throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "failure",
                        "{\"name\":\"init\",\"essential\":false}",
                        "{\"name\":\"sidecar\",\"essential\":false}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"init\",\"condition\":\"SUCCESS\"}]}"));
        Tasks.settle(agent);
        exit(task, "init", 3);
        Tasks.settle(agent);

        TaskRow stopped = tasks.get(task);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.desiredStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason())
                .isEqualTo("DependencyConditionNotMet: container app depends on init "
                        + "(condition SUCCESS), which exited with code 3");
        assertThat(stopped.startedAt()).isNull();
        assertThat(stopped.containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus, ContainerRow::exitCode)
                .containsExactly(
                        tuple("init", "STOPPED", 3), tuple("sidecar", "STOPPED", 143), tuple("app", "STOPPED", null));
        assertThat(container(task, "app").runtimeId()).as("never started").isNull();
        assertThat(container(task, "app").reason()).contains("init").contains("SUCCESS");
    }

    @Test
    void an_essential_container_exiting_while_the_task_starts_stops_it() throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "early-exit",
                        "{\"name\":\"proxy\"}",
                        "{\"name\":\"init\",\"essential\":false}",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"init\",\"condition\":\"COMPLETE\"}]}"));
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("PENDING");
        exit(task, "proxy", 2);
        Tasks.settle(agent);

        TaskRow stopped = tasks.get(task);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCode()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(stopped.containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus, ContainerRow::exitCode)
                .containsExactly(
                        tuple("proxy", "STOPPED", 2), tuple("init", "STOPPED", 143), tuple("app", "STOPPED", null));
        assertThat(runtime.exits)
                .as("the started init container was really stopped")
                .containsKey(container(task, "init").runtimeId());
    }

    @Test
    void a_non_essential_container_may_still_wait_after_the_task_runs_and_its_exit_does_not_stop_the_task()
            throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "late",
                        "{\"name\":\"app\"}",
                        "{\"name\":\"job\",\"essential\":false}",
                        "{\"name\":\"report\",\"essential\":false,\"dependsOn\":[{\"containerName\":\"job\",\"condition\":\"SUCCESS\"}]}"));
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("RUNNING");
        assertThat(container(task, "report").lastStatus()).isEqualTo("PENDING");

        exit(task, "job", 0);
        Tasks.settle(agent);
        assertThat(tasks.get(task).containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus)
                .containsExactly(tuple("app", "RUNNING"), tuple("job", "STOPPED"), tuple("report", "RUNNING"));

        exit(task, "report", 1);
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("RUNNING");
        assertThat(tasks.get(task).desiredStatus()).isEqualTo("RUNNING");
        assertThat(container(task, "report").exitCode()).isEqualTo(1);
    }

    @Test
    void a_non_essential_container_whose_dependency_fails_stops_without_starting_and_the_task_goes_on()
            throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "optional",
                        "{\"name\":\"app\"}",
                        "{\"name\":\"job\",\"essential\":false}",
                        "{\"name\":\"report\",\"essential\":false,\"dependsOn\":[{\"containerName\":\"job\",\"condition\":\"SUCCESS\"}]}",
                        "{\"name\":\"mail\",\"essential\":false,\"dependsOn\":[{\"containerName\":\"report\",\"condition\":\"START\"}]}"));
        Tasks.settle(agent);
        exit(task, "job", 5);
        Tasks.settle(agent);

        TaskRow running = tasks.get(task);
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.desiredStatus()).isEqualTo("RUNNING");
        assertThat(running.stopCode()).isNull();
        assertThat(running.containers())
                .extracting(ContainerRow::name, ContainerRow::lastStatus, ContainerRow::runtimeId)
                .contains(tuple("report", "STOPPED", null), tuple("mail", "STOPPED", null));
        assertThat(container(task, "report").reason())
                .isEqualTo("DependencyConditionNotMet: container report depends on job"
                        + " (condition SUCCESS), which exited with code 5");
        assertThat(container(task, "mail").reason()).contains("report").contains("stopped without starting");
    }

    @Test
    void stop_task_stops_dependents_before_their_dependencies() throws Exception {
        TaskRow task = tasks.placeDefined(
                INSTANCE,
                definition(
                        "order",
                        "{\"name\":\"app\",\"dependsOn\":[{\"containerName\":\"db\",\"condition\":\"START\"}]}",
                        "{\"name\":\"db\"}"));
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("RUNNING");
        tasks.stop(task);
        Tasks.settle(agent);
        assertThat(tasks.get(task).lastStatus()).isEqualTo("STOPPED");
        assertThat(runtime.stopOrder)
                .containsExactly(
                        container(task, "app").runtimeId(),
                        container(task, "db").runtimeId());
    }
}
