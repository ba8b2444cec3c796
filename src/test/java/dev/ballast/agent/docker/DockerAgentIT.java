package dev.ballast.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.command.InspectContainerResponse;
import dev.ballast.agent.Agent;
import dev.ballast.api.StoreControlPlane;
import dev.ballast.core.Account;
import dev.ballast.image.Digest;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitions.Registration;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@link Agent} driving {@link DockerRuntime} on Podman, with a real SQLite store: the test plays
 * the scheduler (registers the task definition, inserts the task, sets desiredStatus STOPPED).
 */
class DockerAgentIT {

    static final String INSTANCE = DockerTasks.ACCOUNT_PREFIX + "container-instance/default/docker-agent-it";

    @TempDir
    Path dir;

    @Test
    void a_task_runs_as_a_real_container_and_stops_within_its_stop_timeout() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host());
                Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            Digest digest = registry.images().pushRunnable("demo/app:v1", Format.OCI, "agent-v1");
            String image = registry.host() + "/demo/app:v1";
            String tdArn = DockerTasks.ACCOUNT_PREFIX + "task-definition/web:1";
            store.taskDefinitions()
                    .register(
                            "web",
                            revision -> new Registration(
                                    tdArn,
                                    DockerTasks.taskDefinition(
                                            "web",
                                            "{\"name\":\"app\",\"image\":\"" + image
                                                    + "\",\"essential\":true,\"stopTimeout\":2}"),
                                    List.of()));
            TaskRow placed = DockerTasks.task(tdArn, INSTANCE, "app", image + "@" + digest, null);
            store.clusters().createOrGet(placed.cluster(), placed.clusterArn(), "{\"settings\":[]}", List.of());
            store.tasks().insertAll(List.of(placed));

            try (DockerRuntime runtime = DockerRuntime.connect(
                            podman.dockerHost(),
                            new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry()),
                            r -> Optional.empty());
                    Agent agent = new Agent(
                            INSTANCE,
                            new StoreControlPlane(store, Account.defaults(), Clock.systemUTC()).tasks(INSTANCE),
                            runtime,
                            new SimpleMeterRegistry(),
                            Clock.systemUTC(),
                            2)) {
                TaskRow running =
                        settle(agent, store, placed, t -> t.lastStatus().equals("RUNNING"));
                ContainerRow c = running.containers().get(0);
                assertThat(c.lastStatus()).isEqualTo("RUNNING");
                assertThat(c.imageDigest()).isEqualTo(digest.toString());
                InspectContainerResponse inspect =
                        runtime.engine().inspectContainerCmd(c.runtimeId()).exec();
                assertThat(inspect.getState().getRunning()).isTrue();
                assertThat(inspect.getConfig().getImage()).isEqualTo(registry.host() + "/demo/app@" + digest);
                assertThat(inspect.getConfig().getLabels()).containsEntry(DockerRuntime.LABEL_TASK_ARN, placed.arn());

                while (true) {
                    Versioned<TaskRow> v = store.tasks().find(placed.arn()).orElseThrow();
                    if (store.tasks()
                            .update(
                                    v.value().withDesired("STOPPED", "UserInitiated", "stopped by test", null),
                                    v.version())) {
                        break;
                    }
                }
                long began = System.nanoTime();
                TaskRow stopped = settle(agent, store, placed, TaskRow::isStopped);
                Duration took = Duration.ofNanos(System.nanoTime() - began);

                assertThat(stopped.stopCode()).isEqualTo("UserInitiated");
                assertThat(stopped.containers().get(0).lastStatus()).isEqualTo("STOPPED");
                // sh as PID 1 ignores SIGTERM: killed after the definition's stopTimeout (2 s), not the default 30 s
                assertThat(stopped.containers().get(0).exitCode()).isEqualTo(137);
                assertThat(took).isLessThan(Duration.ofSeconds(15));
                assertThat(runtime.engine()
                                .inspectContainerCmd(c.runtimeId())
                                .exec()
                                .getState()
                                .getRunning())
                        .isFalse();
            }
        }
    }

    /** Passes, with pulls awaited between them, until the task satisfies {@code done} (at most 20 s). */
    private static TaskRow settle(Agent agent, Store store, TaskRow task, Predicate<TaskRow> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            agent.reconcileOnce();
            agent.awaitPulls(Duration.ofSeconds(20));
            TaskRow now = store.tasks().find(task.arn()).orElseThrow().value();
            if (done.test(now)) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("task did not settle: "
                + store.tasks().find(task.arn()).orElseThrow().value());
    }
}
