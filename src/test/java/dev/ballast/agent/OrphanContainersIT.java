package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.api.Json;
import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages.Format;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A partitioned agent that comes back: two {@code ballast agent --runtime docker} processes share one Podman
 * engine; one is frozen (SIGSTOP) until the server stops its task and replaces it on the other, then thawed
 * (SIGCONT). Its container of the replaced task is an orphan it must stop and remove, while leaving the other
 * agent's containers alone: afterwards the engine runs exactly the service's containers. Then the other agent
 * is killed and, once its tasks are replaced, restarted: at start-up it removes its old containers.
 */
class OrphanContainersIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CLUSTER = "default";

    @Test
    void aThawedAgentRemovesTheContainersOfTasksReplacedElsewhere(@TempDir Path dir) throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host());
                ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--data-dir",
                        dir.resolve("server").toString(),
                        "--simulated-instances",
                        "0",
                        "--agent-disconnect-after",
                        "2s",
                        "--agent-task-timeout",
                        "6s");
                EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            registry.images().pushRunnable("demo/orphans:v1", Format.DOCKER, "orphans-v1");
            ecs.createCluster(c -> c.clusterName(CLUSTER));
            Map<String, String> env = Map.of("DOCKER_HOST", podman.dockerHost());
            Path stateA = Files.createDirectories(dir.resolve("agent-a"));
            Path stateB = Files.createDirectories(dir.resolve("agent-b"));
            try (AgentProcess a = AgentProcess.start(server.endpoint(), CLUSTER, stateA, env, "--runtime", "docker");
                    AgentProcess b =
                            AgentProcess.start(server.endpoint(), CLUSTER, stateB, env, "--runtime", "docker")) {
                Eventually.await(
                        "both agents saved their instance ARN",
                        WAIT,
                        () -> Files.exists(stateA.resolve("instance.json"))
                                && Files.exists(stateB.resolve("instance.json")));
                String arnA = savedArn(stateA);

                ecs.registerTaskDefinition(r -> r.family("web")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/orphans:v1")
                                .memory(32)
                                .stopTimeout(2)
                                .build()));
                ecs.createService(r -> r.cluster(CLUSTER)
                        .serviceName("web")
                        .taskDefinition("web")
                        .desiredCount(2));
                Eventually.await("2 tasks RUNNING, one on each agent", WAIT, () -> {
                    List<Task> r = running(ecs);
                    return r.size() == 2
                            && r.stream()
                                            .map(Task::containerInstanceArn)
                                            .distinct()
                                            .count()
                                    == 2;
                });
                Task onA = running(ecs).stream()
                        .filter(t -> t.containerInstanceArn().equals(arnA))
                        .findFirst()
                        .orElseThrow();
                String orphan = onA.containers().get(0).runtimeId();
                assertThat(runningContainers(podman)).hasSize(2).contains(orphan);

                a.pause();
                Eventually.await("A's task stopped by the server and replaced on B", WAIT, () -> {
                    List<Task> r = running(ecs);
                    return r.size() == 2
                            && r.stream()
                                    .noneMatch(t -> t.containerInstanceArn().equals(arnA));
                });
                assertThat(ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(onA.taskArn()))
                                .tasks()
                                .get(0)
                                .lastStatus())
                        .isEqualTo("STOPPED");
                assertThat(runningContainers(podman))
                        .as("the frozen agent's container still runs")
                        .hasSize(3)
                        .contains(orphan);

                a.resume();
                Eventually.await(
                        "the orphan stopped and removed",
                        WAIT,
                        () -> !podman.podman("ps", "--all", "--no-trunc", "--format", "{{.ID}}")
                                .contains(orphan));
                Set<String> expected = running(ecs).stream()
                        .map(t -> t.containers().get(0).runtimeId())
                        .collect(Collectors.toSet());
                assertThat(expected).hasSize(2);
                assertThat(runningContainers(podman))
                        .as("exactly the service's containers run")
                        .isEqualTo(expected);
                assertThat(a.isAlive()).isTrue();
                assertThat(a.log()).contains("is not assigned here any more");

                // kill -9 B, let the server replace its tasks on A, then start B again: at start-up it finds its
                // old containers by label and removes them, since the server no longer lists their tasks for it
                String arnB = savedArn(stateB);
                Set<String> onB = running(ecs).stream()
                        .filter(t -> t.containerInstanceArn().equals(arnB))
                        .map(t -> t.containers().get(0).runtimeId())
                        .collect(Collectors.toSet());
                assertThat(onB).isNotEmpty();
                b.kill();
                Eventually.await("B's tasks replaced on A", WAIT, () -> {
                    List<Task> r = running(ecs);
                    return r.size() == 2
                            && r.stream().allMatch(t -> t.containerInstanceArn().equals(arnA));
                });
                assertThat(runningContainers(podman))
                        .as("B's containers outlive its agent")
                        .containsAll(onB)
                        .hasSize(2 + onB.size());
                try (AgentProcess restartedB =
                        AgentProcess.start(server.endpoint(), CLUSTER, stateB, env, "--runtime", "docker")) {
                    Eventually.await("B's old containers removed at start-up", WAIT, () -> {
                        String all = podman.podman("ps", "--all", "--no-trunc", "--format", "{{.ID}}");
                        return onB.stream().noneMatch(all::contains);
                    });
                    Set<String> service = running(ecs).stream()
                            .map(t -> t.containers().get(0).runtimeId())
                            .collect(Collectors.toSet());
                    assertThat(runningContainers(podman))
                            .as("exactly the service's containers run")
                            .isEqualTo(service)
                            .hasSize(2);
                }
            }
        }
    }

    private static Set<String> runningContainers(PodmanFixture podman) {
        return podman.podman("ps", "--no-trunc", "--format", "{{.ID}}")
                .lines()
                .filter(l -> !l.isBlank())
                .collect(Collectors.toSet());
    }

    private static String savedArn(Path stateDir) throws IOException {
        return Json.mapper()
                .readTree(Files.readString(stateDir.resolve("instance.json")))
                .path("containerInstanceArn")
                .asText();
    }

    private static List<Task> running(EcsClient ecs) {
        List<String> arns = ecs.listTasks(
                        r -> r.cluster(CLUSTER).serviceName("web").desiredStatus(DesiredStatus.RUNNING))
                .taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks().stream()
                        .filter(t -> t.lastStatus().equals("RUNNING"))
                        .toList();
    }
}
