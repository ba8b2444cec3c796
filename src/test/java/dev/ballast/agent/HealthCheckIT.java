package dev.ballast.agent;

import static dev.ballast.testing.EcsTasks.container;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.RuntimeChoice;
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
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerDependency;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.HealthStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Container health checks end to end: the AWS SDK against a server whose embedded agent runs busybox containers
 * on a real Podman engine and runs their {@code healthCheck} by exec in the container (Podman's service cannot
 * run health checks itself). A passing check, a failing one replaced by the service scheduler, and
 * {@code dependsOn HEALTHY}. One registry, engine and server for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthCheckIT {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String UNHEALTHY_REASON = "Task failed container health checks";

    RegistryFixture registry;
    PodmanFixture podman;
    TestServer server;
    EcsClient ecs;
    String image;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        podman = PodmanFixture.start(registry.host());
        server = TestServer.sqlite(c -> c.runtime(RuntimeChoice.DOCKER).dockerHost(podman.dockerHost()));
        ecs = server.client();
        registry.images().pushRunnable("demo/health:v1", TestImages.Format.DOCKER, "health-v1");
        image = registry.host() + "/demo/health:v1";
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

    /** busybox's sh has {@code test} and {@code echo} built in; the image links no other tools. */
    private ContainerDefinition.Builder shell(String name, String script) {
        return ContainerDefinition.builder()
                .name(name)
                .image(image)
                .memory(32)
                .stopTimeout(1)
                .command("/bin/sh", "-c", script);
    }

    private static HealthCheck readyCheck(int retries) {
        return HealthCheck.builder()
                .command("CMD-SHELL", "test -f /ready")
                .interval(5)
                .timeout(3)
                .retries(retries)
                .build();
    }

    private Task task(String arn) {
        return EcsTasks.describe(ecs, arn);
    }

    private Task await(String what, String arn, Predicate<Task> condition) {
        return EcsTasks.await(ecs, what, arn, WAIT, condition);
    }

    private long startedAtMillis(String runtimeId) {
        return Long.parseLong(podman.podman("inspect", "--format", "{{.State.StartedAt.UnixMilli}}", runtimeId)
                .trim());
    }

    @Test
    void a_passing_cmd_shell_check_makes_the_container_and_the_task_healthy() {
        ecs.registerTaskDefinition(r -> r.family("passing")
                .containerDefinitions(
                        shell("app", "echo ok > /ready; sleep 3600")
                                .healthCheck(readyCheck(2))
                                .build(),
                        shell("sidecar", "sleep 3600").essential(false).build()));
        String arn =
                ecs.runTask(r -> r.taskDefinition("passing")).tasks().get(0).taskArn();

        Task running = await("RUNNING", arn, t -> "RUNNING".equals(t.lastStatus()));
        assertThat(container(running, "sidecar").healthStatus()).as("no check").isEqualTo(HealthStatus.UNKNOWN);
        Task healthy = await("HEALTHY", arn, t -> t.healthStatus() == HealthStatus.HEALTHY);
        assertThat(container(healthy, "app").healthStatus()).isEqualTo(HealthStatus.HEALTHY);
        assertThat(container(healthy, "sidecar").healthStatus()).isEqualTo(HealthStatus.UNKNOWN);
        ecs.stopTask(r -> r.task(arn));
        await("STOPPED", arn, t -> "STOPPED".equals(t.lastStatus()));
    }

    @Test
    void a_failing_check_makes_the_task_unhealthy_and_the_service_replaces_it() {
        ecs.registerTaskDefinition(r -> r.family("failing")
                .containerDefinitions(
                        shell("app", "sleep 3600").healthCheck(readyCheck(2)).build()));
        ecs.createService(
                r -> r.serviceName("failing").taskDefinition("failing").desiredCount(1));
        AtomicReference<Task> first = new AtomicReference<>();
        Eventually.await("a task RUNNING", WAIT, () -> {
            List<String> arns = ecs.listTasks(l -> l.serviceName("failing")).taskArns();
            if (arns.isEmpty()) {
                return false;
            }
            List<Task> t = ecs.describeTasks(r -> r.tasks(arns)).tasks();
            t.stream().filter(x -> "RUNNING".equals(x.lastStatus())).findFirst().ifPresent(first::set);
            return first.get() != null;
        });
        String arn = first.get().taskArn();

        Task stopped = await("stopped for failed health checks", arn, t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stoppedReason()).isEqualTo(UNHEALTHY_REASON);
        assertThat(stopped.stopCodeAsString()).isEqualTo("ServiceSchedulerInitiated");
        assertThat(container(stopped, "app").healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        assertThat(stopped.healthStatus()).isEqualTo(HealthStatus.UNHEALTHY);
        Eventually.await(
                "a replacement task",
                WAIT,
                () ->
                        ecs
                                .listTasks(l -> l.serviceName("failing").desiredStatus(DesiredStatus.RUNNING))
                                .taskArns()
                                .stream()
                                .anyMatch(a -> !a.equals(arn)));
        String id = arn.substring(arn.lastIndexOf('/') + 1);
        assertThat(ecs.describeServices(r -> r.services("failing"))
                        .services()
                        .get(0)
                        .events())
                .anyMatch(
                        e -> e.message().equals("(service failing) (task " + id + ") failed container health checks."));
        ecs.updateService(r -> r.service("failing").desiredCount(0));
    }

    @Test
    void depends_on_healthy_starts_the_app_only_after_the_dependency_passes_its_check() {
        ecs.registerTaskDefinition(r -> r.family("gated")
                .containerDefinitions(
                        shell("db", "sleep 4; echo ok > /ready; sleep 3600")
                                .essential(false)
                                .healthCheck(readyCheck(3))
                                .build(),
                        shell("app", "sleep 3600")
                                .dependsOn(ContainerDependency.builder()
                                        .containerName("db")
                                        .condition(ContainerCondition.HEALTHY)
                                        .build())
                                .build()));
        String arn = ecs.runTask(r -> r.taskDefinition("gated")).tasks().get(0).taskArn();

        Task pending = await(
                "db running", arn, t -> "RUNNING".equals(container(t, "db").lastStatus()));
        assertThat(container(pending, "app").runtimeId())
                .as("app waits while db is not HEALTHY")
                .isNull();
        Task running = await("RUNNING", arn, t -> "RUNNING".equals(t.lastStatus()));
        assertThat(container(running, "db").healthStatus()).isEqualTo(HealthStatus.HEALTHY);
        long db = startedAtMillis(container(running, "db").runtimeId());
        long app = startedAtMillis(container(running, "app").runtimeId());
        assertThat(app - db)
                .as("app started after db created /ready (4 s) and passed a check (first at 5 s)")
                .isGreaterThanOrEqualTo(4_000);
        ecs.stopTask(r -> r.task(arn));
        await("STOPPED", arn, t -> "STOPPED".equals(t.lastStatus()));
    }
}
