package dev.ballast.agent;

import static dev.ballast.testing.EcsTasks.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.RuntimeChoice;
import dev.ballast.image.Digest;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Container;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Container lifecycles end to end: the AWS SDK against a server whose embedded agent runs busybox containers on
 * a real Podman engine, pulled from a real registry. Exit codes and essential containers, StopTask within
 * {@code stopTimeout}, {@code dependsOn} on a real engine, a {@code versionConsistency: disabled} sidecar in a
 * replacement task, and a deleted pinned image. One registry, engine and server for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerLifecycleIT {

    RegistryFixture registry;
    PodmanFixture podman;
    TestServer server;
    EcsClient ecs;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        podman = PodmanFixture.start(registry.host());
        // a deleted pinned digest's pull failure itself: the pinned-image guard (which would stop the launch) is off
        server = TestServer.sqlite(c -> c.runtime(RuntimeChoice.DOCKER)
                .dockerHost(podman.dockerHost())
                .lifecycle(l -> l.withGuard(Duration.ZERO, l.guardCacheTtl())));
        ecs = server.client();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {ecs, server, podman, registry}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // best effort: the next fixture still closes
            }
        }
    }

    private String push(String repoTag, String version) {
        registry.images().pushRunnable(repoTag, TestImages.Format.DOCKER, version);
        return registry.host() + "/" + repoTag;
    }

    private static ContainerDefinition.Builder shell(String name, String image, String script) {
        return ContainerDefinition.builder().name(name).image(image).memory(32).command("/bin/sh", "-c", script);
    }

    private Task task(String arn) {
        return EcsTasks.describe(ecs, arn);
    }

    private Task await(String what, String arn, Duration timeout, Predicate<Task> condition) {
        return EcsTasks.await(ecs, what, arn, timeout, condition);
    }

    private String inspect(String runtimeId, String format) {
        return podman.podman("inspect", "--format", format, runtimeId).trim();
    }

    private String runTask(String family) {
        return ecs.runTask(r -> r.taskDefinition(family)).tasks().get(0).taskArn();
    }

    @Test
    void an_exit_code_reaches_describe_tasks_and_an_essential_exit_stops_the_task() {
        String image = push("demo/exits:v1", "exits-v1");
        ecs.registerTaskDefinition(r -> r.family("exits")
                .containerDefinitions(
                        shell("app", image, "echo working; sleep 2; exit 3").build(),
                        shell("sidecar", image, "sleep 3600")
                                .essential(false)
                                .stopTimeout(2)
                                .build()));
        String arn = runTask("exits");

        Task stopped = await(
                "the essential container's exit stops the task",
                arn,
                Duration.ofSeconds(120),
                t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(container(stopped, "app").exitCode()).isEqualTo(3);
        assertThat(container(stopped, "app").lastStatus()).isEqualTo("STOPPED");
        assertThat(container(stopped, "sidecar").lastStatus()).isEqualTo("STOPPED");
        assertThat(container(stopped, "sidecar").exitCode())
                .as("busybox as PID 1 ignores SIGTERM: killed")
                .isEqualTo(137);
        assertThat(inspect(container(stopped, "app").runtimeId(), "{{.State.ExitCode}}"))
                .isEqualTo("3");
        assertThat(inspect(container(stopped, "sidecar").runtimeId(), "{{.State.Running}}"))
                .isEqualTo("false");
    }

    @Test
    void a_command_the_engine_cannot_start_stops_the_task_with_cannot_start_container_error() {
        String image = push("demo/nostart:v1", "nostart-v1");
        ecs.registerTaskDefinition(r -> r.family("nostart")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .command("/bin/no-such-program")
                                .build(),
                        shell("sidecar", image, "sleep 3600")
                                .essential(false)
                                .stopTimeout(1)
                                .build()));
        String arn = runTask("nostart");

        Task stopped = await(
                "the start failure stops the task",
                arn,
                Duration.ofSeconds(120),
                t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason())
                .startsWith("CannotStartContainerError: ")
                .contains("no-such-program");
        assertThat(container(stopped, "app").reason()).isEqualTo(stopped.stoppedReason());
        assertThat(container(stopped, "sidecar").lastStatus()).isEqualTo("STOPPED");
        String taskId = arn.substring(arn.lastIndexOf('/') + 1);
        assertThat(podman.podman("ps", "-a", "--filter", "name=ballast-" + taskId + "-app", "--format", "{{.ID}}")
                        .trim())
                .as("the container the engine could not start is removed, not left behind")
                .isEmpty();
    }

    @Test
    void stop_task_kills_a_container_that_ignores_sigterm_after_its_stop_timeout() {
        String image = push("demo/stubborn:v1", "stubborn-v1");
        int stopTimeout = 3;
        ecs.registerTaskDefinition(r -> r.family("stubborn")
                .containerDefinitions(shell("app", image, "trap '' TERM; echo ready; while true; do sleep 1; done")
                        .stopTimeout(stopTimeout)
                        .build()));
        String arn = runTask("stubborn");
        Task running = await("running", arn, Duration.ofSeconds(120), t -> "RUNNING".equals(t.lastStatus()));
        String id = container(running, "app").runtimeId();
        Eventually.await(
                "the trap is set",
                Duration.ofSeconds(30),
                () -> podman.podman("logs", id).contains("ready"));

        long before = System.nanoTime();
        ecs.stopTask(r -> r.task(arn).reason("test"));
        Task stopped = await("stopped", arn, Duration.ofSeconds(90), t -> "STOPPED".equals(t.lastStatus()));
        double seconds = (System.nanoTime() - before) / 1e9;
        System.out.printf(
                "StopTask of a container ignoring SIGTERM with stopTimeout %d s: STOPPED after %.1f s%n",
                stopTimeout, seconds);

        assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
        assertThat(container(stopped, "app").exitCode())
                .as("killed after the timeout")
                .isEqualTo(137);
        assertThat(seconds)
                .as("SIGKILL after stopTimeout, not after the default 30 s")
                .isGreaterThanOrEqualTo(stopTimeout)
                .isLessThan(25);
    }

    @Test
    void depends_on_success_runs_the_init_container_to_completion_before_the_app_starts() {
        String image = push("demo/ordered:v1", "ordered-v1");
        ecs.registerTaskDefinition(r -> r.family("ordered")
                .containerDefinitions(
                        shell("init", image, "echo init-done; sleep 2; exit 0")
                                .essential(false)
                                .build(),
                        ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .dependsOn(d -> d.containerName("init").condition("SUCCESS"))
                                .build()));
        String arn = runTask("ordered");

        Task running = await("running", arn, Duration.ofSeconds(120), t -> "RUNNING".equals(t.lastStatus()));
        assertThat(container(running, "init").lastStatus()).isEqualTo("STOPPED");
        assertThat(container(running, "init").exitCode()).isZero();
        assertThat(container(running, "app").lastStatus()).isEqualTo("RUNNING");
        String init = container(running, "init").runtimeId();
        String app = container(running, "app").runtimeId();
        assertThat(podman.podman("logs", init)).contains("init-done");
        long initFinished = Long.parseLong(inspect(init, "{{.State.FinishedAt.UnixNano}}"));
        long appStarted = Long.parseLong(inspect(app, "{{.State.StartedAt.UnixNano}}"));
        assertThat(appStarted).as("app started after init finished").isGreaterThan(initFinished);
        ecs.stopTask(r -> r.task(arn));
    }

    @Test
    void depends_on_success_with_a_non_zero_exit_stops_the_task_without_starting_the_app() {
        String image = push("demo/broken-init:v1", "broken-v1");
        ecs.registerTaskDefinition(r -> r.family("broken-init")
                .containerDefinitions(
                        shell("init", image, "echo migrating; exit 4")
                                .essential(false)
                                .build(),
                        ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .dependsOn(d -> d.containerName("init").condition("SUCCESS"))
                                .build()));
        String arn = runTask("broken-init");

        Task stopped = await("stopped", arn, Duration.ofSeconds(120), t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason())
                .contains("app")
                .contains("init")
                .contains("SUCCESS")
                .contains("code 4");
        assertThat(container(stopped, "init").exitCode()).isEqualTo(4);
        assertThat(container(stopped, "app").runtimeId())
                .as("the app never started")
                .isNull();
        assertThat(stopped.startedAt()).isNull();
    }

    @Test
    void a_disabled_sidecar_of_a_replacement_task_runs_the_moved_tag_while_the_pinned_app_keeps_its_digest() {
        Digest appV1 = registry.images().pushRunnable("demo/pinned-app:v1", TestImages.Format.DOCKER, "app-v1");
        Digest sideV1 = registry.images().pushRunnable("demo/sidecar:v1", TestImages.Format.DOCKER, "side-v1");
        String appImage = registry.host() + "/demo/pinned-app:v1";
        String sideImage = registry.host() + "/demo/sidecar:v1";
        ecs.registerTaskDefinition(r -> r.family("mixed")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(appImage)
                                .memory(32)
                                .stopTimeout(1)
                                .build(),
                        ContainerDefinition.builder()
                                .name("sidecar")
                                .image(sideImage)
                                .memory(32)
                                .essential(false)
                                .stopTimeout(1)
                                .versionConsistency("disabled")
                                .build()));
        ecs.createService(r -> r.serviceName("mixed").taskDefinition("mixed").desiredCount(1));
        Eventually.await("1 task running", Duration.ofSeconds(120), () -> {
            var s = ecs.describeServices(r -> r.services("mixed")).services().get(0);
            return s.runningCount() == 1;
        });
        String first = ecs.listTasks(r -> r.serviceName("mixed")).taskArns().get(0);
        Task firstTask = task(first);
        assertThat(container(firstTask, "app").imageDigest()).isEqualTo(appV1.toString());
        assertThat(container(firstTask, "sidecar").imageDigest()).isEqualTo(sideV1.toString());

        Digest appV2 = registry.images().pushRunnable("demo/pinned-app:v1", TestImages.Format.DOCKER, "app-v2");
        Digest sideV2 = registry.images().pushRunnable("demo/sidecar:v1", TestImages.Format.DOCKER, "side-v2");
        assertThat(appV2).isNotEqualTo(appV1);
        assertThat(sideV2).isNotEqualTo(sideV1);
        ecs.stopTask(r -> r.task(first));

        AtomicReference<String> replacement = new AtomicReference<>();
        Eventually.await("a replacement task", Duration.ofSeconds(120), () -> {
            List<String> arns = ecs.listTasks(r -> r.serviceName("mixed").desiredStatus(DesiredStatus.RUNNING))
                    .taskArns();
            arns.stream().filter(a -> !a.equals(first)).findFirst().ifPresent(replacement::set);
            return replacement.get() != null;
        });
        Task second = await(
                "the replacement runs",
                replacement.get(),
                Duration.ofSeconds(120),
                t -> "RUNNING".equals(t.lastStatus()));
        assertThat(container(second, "app").imageDigest())
                .as("pinned: the deployment's digest")
                .isEqualTo(appV1.toString());
        assertThat(container(second, "sidecar").imageDigest())
                .as("disabled: the moved tag")
                .isEqualTo(sideV2.toString());
        String appId = container(second, "app").runtimeId();
        String sideId = container(second, "sidecar").runtimeId();
        assertThat(inspect(appId, "{{.ImageName}}")).contains(appV1.toString());
        assertThat(inspect(sideId, "{{.ImageName}}")).contains(sideV2.toString());
        Eventually.await(
                "each container's content",
                Duration.ofSeconds(30),
                () -> podman.podman("logs", appId).contains("app-v1")
                        && podman.podman("logs", sideId).contains("side-v2"));
        ecs.updateService(r -> r.service("mixed").desiredCount(0));
    }

    @Test
    void a_deleted_pinned_image_fails_the_engine_pull_and_the_task_names_it() {
        Digest digest = registry.images().pushRunnable("demo/gone:v1", TestImages.Format.DOCKER, "gone-v1");
        String image = registry.host() + "/demo/gone:v1";
        ecs.registerTaskDefinition(r -> r.family("gone")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(32)
                        .stopTimeout(1)
                        .build()));
        ecs.createService(r -> r.serviceName("gone").taskDefinition("gone").desiredCount(1));
        Eventually.await(
                "1 task running",
                Duration.ofSeconds(120),
                () -> ecs.describeServices(r -> r.services("gone"))
                                .services()
                                .get(0)
                                .runningCount()
                        == 1);
        ecs.updateService(r -> r.service("gone").desiredCount(0));
        Eventually.await(
                "no task left",
                Duration.ofSeconds(90),
                () -> ecs.listTasks(r -> r.serviceName("gone").desiredStatus(DesiredStatus.RUNNING))
                                .taskArns()
                                .isEmpty()
                        && ecs.describeServices(r -> r.services("gone"))
                                        .services()
                                        .get(0)
                                        .runningCount()
                                == 0);

        registry.images().delete("demo/gone", digest);
        String byDigest = registry.host() + "/demo/gone@" + digest;
        String imageId = podman.podman("image", "inspect", "--format", "{{.Id}}", byDigest)
                .trim();
        podman.podman("rmi", "--force", imageId);
        assertThat(podman.podman("images", "--format", "{{.Digest}}"))
                .as("the engine must really pull")
                .doesNotContain(digest.toString());

        ecs.updateService(r -> r.service("gone").desiredCount(1));
        AtomicReference<Task> failed = new AtomicReference<>();
        Eventually.await("a launch that failed to pull", Duration.ofSeconds(120), () -> {
            List<String> arns = ecs.listTasks(r -> r.serviceName("gone").desiredStatus(DesiredStatus.STOPPED))
                    .taskArns();
            return !arns.isEmpty()
                    && ecs.describeTasks(r -> r.tasks(arns)).tasks().stream()
                            .filter(t -> "TaskFailedToStart".equals(t.stopCodeAsString()))
                            .peek(failed::set)
                            .findFirst()
                            .isPresent();
        });
        Container app = container(failed.get(), "app");
        assertThat(app.reason()).startsWith("CannotPullContainerError:").contains("demo/gone");
        assertThat(failed.get().lastStatus()).isEqualTo("STOPPED");
        ecs.updateService(r -> r.service("gone").desiredCount(0));
    }
}
