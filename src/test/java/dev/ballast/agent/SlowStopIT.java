package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.docker.DockerRuntime;
import dev.ballast.cli.RuntimeChoice;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The embedded agent stays alive while it stops a slow container (issue 9, item 1). The test image's PID 1 is
 * busybox {@code sh}, which ignores SIGTERM: a StopTask waits out the container's whole {@code stopTimeout} (25 s)
 * before the engine kills it, far longer than this server's agent disconnect (5 s) and task timeout (10 s). The
 * instance stays connected throughout, the service's unrelated tasks keep running (same ARNs), and afterwards the
 * engine holds no container the server does not know. A restarted server's embedded agent removes running
 * containers of its instance whose tasks the server does not list.
 */
class SlowStopIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final InstanceHealth.Settings QUICK_HEALTH =
            new InstanceHealth.Settings(Duration.ofSeconds(5), Duration.ofSeconds(10));

    @Test
    void aSlowStopKeepsTheAgentConnectedAndOtherTasksRunning() {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host());
                TestServer server = TestServer.sqlite(c -> c.runtime(RuntimeChoice.DOCKER)
                        .dockerHost(podman.dockerHost())
                        .agentHealth(QUICK_HEALTH));
                EcsClient ecs = server.client()) {
            registry.images().pushRunnable("demo/slow:v1", Format.DOCKER, "slow-v1");
            String image = registry.host() + "/demo/slow:v1";
            ecs.registerTaskDefinition(r -> r.family("web")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(image)
                            .memory(32)
                            .stopTimeout(2)
                            .build()));
            ecs.registerTaskDefinition(r -> r.family("stubborn")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(image)
                            .memory(32)
                            .stopTimeout(25)
                            .build()));
            ecs.createService(r -> r.serviceName("web").taskDefinition("web").desiredCount(2));
            Eventually.await(
                    "2 service tasks RUNNING", WAIT, () -> serviceTasks(ecs).size() == 2);
            Set<String> serviceArns =
                    serviceTasks(ecs).stream().map(Task::taskArn).collect(Collectors.toSet());

            String stubborn = ecs.runTask(r -> r.taskDefinition("stubborn"))
                    .tasks()
                    .get(0)
                    .taskArn();
            EcsTasks.await(ecs, "the stubborn task RUNNING", stubborn, WAIT, t -> "RUNNING".equals(t.lastStatus()));
            ecs.stopTask(r -> r.task(stubborn).reason("slow stop"));

            // While the engine waits out the 25 s stop timeout: the instance is connected at every look and the
            // service's tasks are the same two, RUNNING.
            int looks = 0;
            Task stopped = EcsTasks.describe(ecs, stubborn);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!"STOPPED".equals(stopped.lastStatus()) && System.nanoTime() < deadline) {
                assertThat(instances(ecs))
                        .as("agentConnected while the stop is in progress (look %d)", looks)
                        .singleElement()
                        .satisfies(i -> assertThat(i.agentConnected()).isTrue());
                assertThat(serviceTasks(ecs))
                        .extracting(Task::taskArn)
                        .as("the unrelated service tasks")
                        .containsExactlyInAnyOrderElementsOf(serviceArns);
                looks++;
                stopped = EcsTasks.describe(ecs, stubborn);
            }
            assertThat(stopped.lastStatus())
                    .as("the stubborn task stopped within " + WAIT)
                    .isEqualTo("STOPPED");
            assertThat(stopped.stopCode().toString()).isEqualTo("UserInitiated");
            assertThat(Duration.between(stopped.stoppingAt(), stopped.stoppedAt()))
                    .as("the stop outlasted the agent task timeout, so this test exercises it")
                    .isGreaterThan(QUICK_HEALTH.taskTimeout());
            assertThat(instances(ecs))
                    .singleElement()
                    .satisfies(i -> assertThat(i.agentConnected()).isTrue());
            assertThat(serviceTasks(ecs)).extracting(Task::taskArn).containsExactlyInAnyOrderElementsOf(serviceArns);

            Set<String> tracked = new HashSet<>();
            for (DesiredStatus s : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
                List<String> arns = ecs.listTasks(r -> r.desiredStatus(s)).taskArns();
                if (!arns.isEmpty()) {
                    ecs.describeTasks(r -> r.tasks(arns))
                            .tasks()
                            .forEach(t -> t.containers().forEach(c -> tracked.add(c.runtimeId())));
                }
            }
            assertThat(allContainers(podman))
                    .as("every container in the engine is one the server tracks")
                    .hasSize(3)
                    .isSubsetOf(tracked);
            assertThat(metrics(server))
                    .contains("ballast_agents_instances{state=\"connected\"} 1.0")
                    .contains("ballast_agents_instances{state=\"disconnected\"} 0.0")
                    .contains("ballast_tasks_infrastructure_stopped_tasks_total 0.0");
        }
    }

    @Test
    void aRestartedServerRemovesItsInstancesUntrackedContainers() {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host())) {
            registry.images().pushRunnable("demo/kept:v1", Format.DOCKER, "kept-v1");
            String image = registry.host() + "/demo/kept:v1";
            TestServer server =
                    TestServer.sqlite(c -> c.runtime(RuntimeChoice.DOCKER).dockerHost(podman.dockerHost()));
            String kept;
            String keptContainer;
            String instanceArn;
            try (EcsClient ecs = server.client()) {
                ecs.registerTaskDefinition(r -> r.family("kept")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .stopTimeout(1)
                                .build()));
                kept = ecs.runTask(r -> r.taskDefinition("kept")).tasks().get(0).taskArn();
                keptContainer = EcsTasks.await(
                                ecs, "the kept task RUNNING", kept, WAIT, t -> "RUNNING".equals(t.lastStatus()))
                        .containers()
                        .get(0)
                        .runtimeId();
                instanceArn = instances(ecs).get(0).containerInstanceArn();
            } finally {
                server.close();
            }
            // While the server is down, a container of this instance appears whose task the server never heard of
            // (as the containers of tasks stopped while their agent could not act on them).
            String untrackedTask = instanceArn.replaceFirst(
                    ":container-instance/([^/]+)/.*", ":task/$1/0123456789abcdef0123456789abcdef");
            String untracked = podman.podman(
                            "run",
                            "-d",
                            "--stop-timeout",
                            "1",
                            "--label",
                            DockerRuntime.LABEL_INSTANCE_ARN + "=" + instanceArn,
                            "--label",
                            DockerRuntime.LABEL_TASK_ARN + "=" + untrackedTask,
                            image)
                    .trim();
            assertThat(runningContainers(podman)).contains(keptContainer, untracked);

            try (TestServer restarted = TestServer.startAgain(server);
                    EcsClient ecs = restarted.client()) {
                Eventually.await(
                        "the untracked container removed",
                        WAIT,
                        () -> !allContainers(podman).contains(untracked));
                assertThat(runningContainers(podman))
                        .as("the tracked task's container is kept")
                        .containsExactly(keptContainer);
                assertThat(EcsTasks.describe(ecs, kept).lastStatus()).isEqualTo("RUNNING");
            }
        }
    }

    private static String metrics(TestServer server) {
        try {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(server.endpoint().resolve("/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static List<Task> serviceTasks(EcsClient ecs) {
        List<String> arns = ecs.listTasks(r -> r.serviceName("web").desiredStatus(DesiredStatus.RUNNING))
                .taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.tasks(arns)).tasks().stream()
                        .filter(t -> "RUNNING".equals(t.lastStatus()))
                        .toList();
    }

    private static List<ContainerInstance> instances(EcsClient ecs) {
        List<String> arns =
                ecs.listContainerInstances(r -> r.cluster("default")).containerInstanceArns();
        return ecs.describeContainerInstances(r -> r.cluster("default").containerInstances(arns))
                .containerInstances();
    }

    private static Set<String> runningContainers(PodmanFixture podman) {
        return podman.podman("ps", "--no-trunc", "--format", "{{.ID}}")
                .lines()
                .filter(l -> !l.isBlank())
                .collect(Collectors.toSet());
    }

    private static Set<String> allContainers(PodmanFixture podman) {
        return podman.podman("ps", "--all", "--no-trunc", "--format", "{{.ID}}")
                .lines()
                .filter(l -> !l.isBlank())
                .collect(Collectors.toSet());
    }
}
