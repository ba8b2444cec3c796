package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.registry.Credential;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent against a real SQLite store and a scripted runtime, for what the simulated runtime never does
 * by itself: containers that exit on their own.
 */
class AgentTest {

    static final String INSTANCE =
            "arn:aws:ecs:us-east-1:000000000000:container-instance/default/" + "fedcba9876543210fedcba9876543210";

    @TempDir
    Path dir;

    @Test
    void an_exited_essential_container_stops_the_task_and_keeps_its_exit_code() throws Exception {
        ScriptedRuntime runtime = new ScriptedRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2)) {
            Tasks tasks = new Tasks(store);
            TaskRow placed = tasks.place(INSTANCE, "127.0.0.1:1/app:v1", "127.0.0.1:1/sidecar:v1");
            Tasks.settle(agent);
            assertThat(tasks.get(placed).lastStatus()).isEqualTo("RUNNING");
            String essentialId = tasks.get(placed).containers().get(0).runtimeId();

            runtime.exits.put(essentialId, new ExitStatus(3, null));
            Tasks.settle(agent);

            TaskRow stopped = tasks.get(placed);
            assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
            assertThat(stopped.stopCode()).isEqualTo("EssentialContainerExited");
            assertThat(stopped.stoppedReason()).isEqualTo("Essential container in task exited");
            assertThat(stopped.containers())
                    .extracting(ContainerRow::name, ContainerRow::lastStatus, ContainerRow::exitCode)
                    .containsExactly(Tuple.tuple("c0", "STOPPED", 3), Tuple.tuple("c1", "STOPPED", 143));
        }
    }

    @Test
    void an_exited_non_essential_container_leaves_the_task_running() throws Exception {
        ScriptedRuntime runtime = new ScriptedRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2)) {
            Tasks tasks = new Tasks(store);
            TaskRow placed = tasks.place(INSTANCE, "127.0.0.1:1/app:v1", "127.0.0.1:1/sidecar:v1");
            Tasks.settle(agent);
            runtime.exits.put(tasks.get(placed).containers().get(1).runtimeId(), new ExitStatus(0, null));
            Tasks.settle(agent);

            TaskRow task = tasks.get(placed);
            assertThat(task.lastStatus()).isEqualTo("RUNNING");
            assertThat(task.desiredStatus()).isEqualTo("RUNNING");
            assertThat(task.containers()).extracting(ContainerRow::lastStatus).containsExactly("RUNNING", "STOPPED");
            assertThat(task.containers().get(1).exitCode()).isZero();
        }
    }

    @Test
    void orphans_are_running_containers_of_this_instance_whose_task_is_no_longer_assigned() throws Exception {
        ScriptedRuntime runtime = new ScriptedRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        String other = INSTANCE.replace("fedcba", "abcdef");
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(INSTANCE, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2);
                Agent neighbour = new Agent(other, Tasks.source(store), runtime, new SimpleMeterRegistry(), clock, 2)) {
            Tasks tasks = new Tasks(store);
            TaskRow kept = tasks.place(INSTANCE, "127.0.0.1:1/app:v1");
            TaskRow replaced = tasks.place(INSTANCE, "127.0.0.1:1/app:v1", "127.0.0.1:1/sidecar:v1");
            TaskRow finished = tasks.place(INSTANCE, "127.0.0.1:1/app:v1");
            TaskRow neighbours = tasks.place(other, "127.0.0.1:1/app:v1");
            Tasks.settle(agent);
            Tasks.settle(neighbour);
            String finishedId = tasks.get(finished).containers().get(0).runtimeId();
            runtime.exits.put(finishedId, new ExitStatus(0, null));

            // the server stops the other two without the agent (as the instance-health monitor does)
            for (TaskRow t : List.of(replaced, finished)) {
                var read = store.tasks().find(t.arn()).orElseThrow();
                assertThat(store.tasks()
                                .update(
                                        InstanceHealth.stoppedWithoutAgent(
                                                read.value(), "InfrastructureHealth", "gone", clock.millis()),
                                        read.version()))
                        .isTrue();
            }

            int removed = agent.removeOrphans();

            assertThat(removed).isEqualTo(2);
            assertThat(runtime.removed)
                    .containsExactlyInAnyOrderElementsOf(tasks.get(replaced).containers().stream()
                            .map(ContainerRow::runtimeId)
                            .toList());
            assertThat(runtime.removed)
                    .as("the kept task's, the exited one's and the other instance's stay")
                    .doesNotContain(
                            tasks.get(kept).containers().get(0).runtimeId(),
                            finishedId,
                            tasks.get(neighbours).containers().get(0).runtimeId());
            assertThat(agent.removeOrphans()).as("a second sweep finds nothing").isZero();
        }
    }

    /** Pulls succeed with a digest of the image name; containers run until stopped (143) or told to exit. */
    static final class ScriptedRuntime implements ContainerRuntime {
        final Map<String, ExitStatus> exits = new ConcurrentHashMap<>();

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public String description() {
            return "test double";
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of();
        }

        @Override
        public PullResult pull(String launchImage, Optional<Credential> credentials) {
            return new PullResult(Digest.sha256(launchImage.getBytes(StandardCharsets.UTF_8)), false);
        }

        /** Container names whose start fails, as an engine that cannot start them yet would. */
        /** Runtime ids in the order the agent stopped running containers. */
        final List<String> stopOrder = new CopyOnWriteArrayList<>();

        final Set<String> failStarts = ConcurrentHashMap.newKeySet();
        /** Health-check results by the check's last command word (e.g. the CMD-SHELL text); absent: passes. */
        final Map<String, CheckResult> checks = new ConcurrentHashMap<>();

        final AtomicInteger checksRun = new AtomicInteger();

        @Override
        public CheckResult runCheck(String runtimeId, List<String> command, Duration timeout) {
            if (exits.containsKey(runtimeId)) {
                return new CheckResult.NotRunning();
            }
            checksRun.incrementAndGet();
            return checks.getOrDefault(command.getLast(), new CheckResult.Passed());
        }

        /** Started containers: runtime id → (instance ARN, task ARN). */
        final Map<String, String[]> owners = new ConcurrentHashMap<>();

        final Set<String> removed = ConcurrentHashMap.newKeySet();

        @Override
        public String start(AgentTask task, AgentContainer container) {
            if (failStarts.contains(container.name())) {
                throw new IllegalStateException("start " + container.name() + ": refused by the test");
            }
            String id = "id-" + container.containerArn().hashCode();
            owners.put(id, new String[] {task.containerInstanceArn(), task.arn()});
            return id;
        }

        @Override
        public List<RuntimeContainer> containersOf(String instanceArn) {
            return owners.entrySet().stream()
                    .filter(e -> e.getValue()[0].equals(instanceArn) && !removed.contains(e.getKey()))
                    .map(e -> new RuntimeContainer(e.getKey(), e.getValue()[1], !exits.containsKey(e.getKey())))
                    .toList();
        }

        @Override
        public void remove(String runtimeId) {
            stop(runtimeId, Duration.ofSeconds(1));
            removed.add(runtimeId);
        }

        @Override
        public void stop(String runtimeId, Duration timeout) {
            if (!exits.containsKey(runtimeId)) {
                stopOrder.add(runtimeId);
            }
            exits.putIfAbsent(runtimeId, new ExitStatus(143, null));
        }

        @Override
        public Optional<ExitStatus> status(String runtimeId) {
            return Optional.ofNullable(exits.get(runtimeId));
        }
    }
}
