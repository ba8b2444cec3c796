package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.api.Json;
import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages.Format;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Two {@code ballast agent} processes (simulated runtime, a real registry image) against one server process:
 * spreading, DRAINING within the deployment bounds, {@code kill -9} of an agent (disconnected, its tasks
 * stopped with a reason and replaced on the other), a restarted agent re-adopting its instance and tasks.
 */
class RemoteAgentsIT {
    private static final Duration WAIT = Duration.ofSeconds(40);
    private static final String CLUSTER = "default";

    @Test
    void twoAgentsShareDrainAndSurviveAKill(@TempDir Path dir) throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
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
            registry.images().push("demo/remote:v1", Format.OCI, "remote agents");
            ecs.createCluster(c -> c.clusterName(CLUSTER));
            Path stateA = Files.createDirectories(dir.resolve("agent-a"));
            Path stateB = Files.createDirectories(dir.resolve("agent-b"));
            AgentProcess a = AgentProcess.start(server.endpoint(), CLUSTER, stateA, "--memory", "2048");
            AgentProcess b = AgentProcess.start(server.endpoint(), CLUSTER, stateB, "--memory", "2048");
            try {
                Eventually.await(
                        "both agents registered", WAIT, () -> instances(ecs).size() == 2);
                // Each agent saves its instance ARN right after the server answers its registration.
                Eventually.await(
                        "both agents saved their instance ARN",
                        WAIT,
                        () -> Files.exists(stateA.resolve("instance.json"))
                                && Files.exists(stateB.resolve("instance.json")));
                String arnA = savedArn(stateA);
                String arnB = savedArn(stateB);
                assertThat(instances(ecs)).allSatisfy(ci -> {
                    assertThat(ci.agentConnected()).isTrue();
                    assertThat(ci.attributes()).anySatisfy(at -> {
                        assertThat(at.name()).isEqualTo("ballast.runtime");
                        assertThat(at.value()).isEqualTo("simulated");
                    });
                });

                // a service of 4 spreads over both agents
                ecs.registerTaskDefinition(r -> r.family("web")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/remote:v1")
                                .memory(256)
                                .healthCheck(
                                        h -> h.command("CMD-SHELL", "exit 0").interval(5))
                                .build()));
                ecs.createService(r -> r.cluster(CLUSTER)
                        .serviceName("web")
                        .taskDefinition("web")
                        .desiredCount(4)
                        .deploymentConfiguration(
                                d -> d.minimumHealthyPercent(100).maximumPercent(200)));
                Eventually.await("4 tasks RUNNING", WAIT, () -> running(ecs).size() == 4);
                assertThat(byInstance(running(ecs))).containsEntry(arnA, 2L).containsEntry(arnB, 2L);
                assertThat(running(ecs))
                        .allSatisfy(t ->
                                assertThat(t.containers().get(0).imageDigest()).startsWith("sha256:"));
                // container health travels from the remote agents in SubmitTaskStateChange (simulated checks pass)
                Eventually.await(
                        "4 tasks HEALTHY",
                        WAIT,
                        () -> running(ecs).stream()
                                        .filter(t -> "HEALTHY".equals(t.healthStatusAsString()))
                                        .count()
                                == 4);

                // DRAINING A: its tasks move to B, never fewer than 4 (100 %) running nor more than 8 (200 %) wanted
                ecs.updateContainerInstancesState(
                        r -> r.cluster(CLUSTER).status("DRAINING").containerInstances(arnA));
                Eventually.await("all service tasks on B", WAIT, () -> {
                    List<Task> r = running(ecs);
                    return r.size() == 4
                            && r.stream().allMatch(t -> t.containerInstanceArn().equals(arnB))
                            && wanted(ecs).size() == 4;
                });
                // from the server's own timestamps: at every stop, at least 4 others had started and were not stopping;
                // at every launch, at most 8 were wanted
                List<Task> history = allTasks(ecs);
                assertThat(history).hasSizeGreaterThanOrEqualTo(6);
                for (Task stopped :
                        history.stream().filter(t -> t.stoppingAt() != null).toList()) {
                    Instant at = stopped.stoppingAt();
                    long healthy = history.stream()
                            .filter(t -> t.startedAt() != null
                                    && !t.startedAt().isAfter(at)
                                    && (t.stoppingAt() == null || t.stoppingAt().isAfter(at)))
                            .count();
                    assertThat(healthy)
                            .as("tasks running when %s stopped", stopped.taskArn())
                            .isGreaterThanOrEqualTo(4);
                }
                for (Task launched : history) {
                    Instant at = launched.createdAt();
                    long live = history.stream()
                            .filter(t -> !t.createdAt().isAfter(at)
                                    && (t.stoppingAt() == null || t.stoppingAt().isAfter(at)))
                            .count();
                    assertThat(live)
                            .as("tasks wanted when %s was launched", launched.taskArn())
                            .isLessThanOrEqualTo(8);
                }
                assertThat(history.stream().filter(t -> t.stoppingAt() != null)).allSatisfy(t -> {
                    assertThat(t.containerInstanceArn()).isEqualTo(arnA);
                    assertThat(t.stoppedReason()).contains("DRAINING");
                });
                // The drained tasks are wanted STOPPED at once; A's agent reports them STOPPED on its next poll.
                Eventually.await(
                        "A reports its drained tasks stopped",
                        WAIT,
                        () -> describe(ecs, arnA).runningTasksCount() == 0);
                ecs.updateContainerInstancesState(
                        r -> r.cluster(CLUSTER).status("ACTIVE").containerInstances(arnA));

                // kill -9 B: disconnected, its tasks stopped with a reason, replaced on A
                List<String> onB = running(ecs).stream().map(Task::taskArn).toList();
                b.kill();
                Eventually.await(
                        "B disconnected", WAIT, () -> !describe(ecs, arnB).agentConnected());
                Eventually.await("B's tasks replaced on A", WAIT, () -> {
                    List<Task> r = running(ecs);
                    return r.size() == 4
                            && r.stream().allMatch(t -> t.containerInstanceArn().equals(arnA));
                });
                assertThat(ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(onB)).tasks())
                        .hasSize(4)
                        .allSatisfy(t -> {
                            assertThat(t.lastStatus()).isEqualTo("STOPPED");
                            assertThat(t.stopCodeAsString()).isEqualTo("InfrastructureHealth");
                            assertThat(t.stoppedReason())
                                    .isEqualTo("Task stopped because its container instance's agent is disconnected");
                        });

                // restart A on its state dir (well within the task timeout): same instance, same tasks, not relaunched
                Map<String, String> before = running(ecs).stream()
                        .collect(Collectors.toMap(
                                Task::taskArn, t -> t.containers().get(0).runtimeId() + "@" + t.startedAt()));
                a.kill();
                a = AgentProcess.start(server.endpoint(), CLUSTER, stateA, "--memory", "2048");
                AgentProcess restarted = a;
                Eventually.await("A re-registered", WAIT, () -> {
                    try {
                        return restarted.log().contains("re-registered container instance " + arnA);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                Thread.sleep(1_000); // a few polls and passes of the restarted agent
                assertThat(describe(ecs, arnA).agentConnected()).isTrue();
                assertThat(running(ecs).stream()
                                .collect(Collectors.toMap(
                                        Task::taskArn,
                                        t -> t.containers().get(0).runtimeId() + "@" + t.startedAt())))
                        .isEqualTo(before);
                assertThat(instances(ecs)).hasSize(2);

                // B comes back as the same instance, connected, and gets work again
                b = AgentProcess.start(server.endpoint(), CLUSTER, stateB, "--memory", "2048");
                Eventually.await(
                        "B connected again", WAIT, () -> describe(ecs, arnB).agentConnected());
                assertThat(savedArn(stateB)).isEqualTo(arnB);
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static String savedArn(Path stateDir) throws IOException {
        return Json.mapper()
                .readTree(Files.readString(stateDir.resolve("instance.json")))
                .path("containerInstanceArn")
                .asText();
    }

    private static List<ContainerInstance> instances(EcsClient ecs) {
        List<String> arns = ecs.listContainerInstances(r -> r.cluster(CLUSTER)).containerInstanceArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(arns))
                        .containerInstances();
    }

    private static ContainerInstance describe(EcsClient ecs, String arn) {
        return ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(arn))
                .containerInstances()
                .get(0);
    }

    /** The service's tasks wanted RUNNING (any last status). */
    private static List<Task> wanted(EcsClient ecs) {
        List<String> arns = ecs.listTasks(
                        r -> r.cluster(CLUSTER).serviceName("web").desiredStatus(DesiredStatus.RUNNING))
                .taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks();
    }

    /** Every task of the service, wanted RUNNING or STOPPED. */
    private static List<Task> allTasks(EcsClient ecs) {
        List<String> arns = new ArrayList<>();
        for (DesiredStatus d : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            arns.addAll(ecs.listTasks(r -> r.cluster(CLUSTER).serviceName("web").desiredStatus(d))
                    .taskArns());
        }
        return ecs.describeTasks(r -> r.cluster(CLUSTER).tasks(arns)).tasks();
    }

    private static List<Task> running(EcsClient ecs) {
        return wanted(ecs).stream()
                .filter(t -> t.lastStatus().equals("RUNNING"))
                .toList();
    }

    private static Map<String, Long> byInstance(List<Task> tasks) {
        return tasks.stream().collect(Collectors.groupingBy(Task::containerInstanceArn, Collectors.counting()));
    }
}
