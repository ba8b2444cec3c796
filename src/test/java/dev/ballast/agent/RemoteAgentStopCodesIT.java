package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.Clients;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The real {@code ballast agent --runtime docker} process on a Podman engine, against a server process: a task
 * whose essential container exits ends with the agent's {@code EssentialContainerExited}, one whose command the
 * engine cannot start with the agent's {@code TaskFailedToStart}, and a task stopped with StopTask keeps the
 * server's {@code UserInitiated}. The codes travel in the reports' {@code stopCode} (docs/agent-protocol.md).
 */
class RemoteAgentStopCodesIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String CLUSTER = "default";

    @Test
    void eachTaskEndsWithTheStopCodeItsAgentReports(@TempDir Path dir) throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host());
                ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--data-dir",
                        dir.resolve("server").toString(),
                        "--simulated-instances",
                        "0");
                EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            registry.images().pushRunnable("demo/codes:v1", Format.DOCKER, "codes-v1");
            String image = registry.host() + "/demo/codes:v1";
            ecs.createCluster(c -> c.clusterName(CLUSTER));
            Path state = Files.createDirectories(dir.resolve("agent"));
            try (AgentProcess agent = AgentProcess.start(
                    server.endpoint(),
                    CLUSTER,
                    state,
                    Map.of("DOCKER_HOST", podman.dockerHost()),
                    "--runtime",
                    "docker")) {
                Eventually.await("the agent registered", WAIT, () -> Files.exists(state.resolve("instance.json")));
                ecs.registerTaskDefinition(r -> r.family("exits")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .command("/bin/sh", "-c", "sleep 1; exit 3")
                                .build()));
                ecs.registerTaskDefinition(r -> r.family("unstartable")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .command("/no/such/binary")
                                .build()));
                ecs.registerTaskDefinition(r -> r.family("runs")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .stopTimeout(2)
                                .build()));

                String exits = runTask(ecs, "exits");
                Task exited = EcsTasks.await(
                        ecs, "the exiting task STOPPED", exits, WAIT, t -> "STOPPED".equals(t.lastStatus()));
                assertThat(exited.stopCodeAsString()).isEqualTo("EssentialContainerExited");
                assertThat(exited.stoppedReason()).isEqualTo(Agent.ESSENTIAL_EXITED_REASON);
                assertThat(exited.containers().get(0).exitCode()).isEqualTo(3);

                String unstartable = runTask(ecs, "unstartable");
                Task failed = EcsTasks.await(
                        ecs, "the unstartable task STOPPED", unstartable, WAIT, t -> "STOPPED".equals(t.lastStatus()));
                assertThat(failed.stopCodeAsString()).isEqualTo("TaskFailedToStart");
                assertThat(failed.stoppedReason()).startsWith("CannotStartContainerError");

                String runs = runTask(ecs, "runs");
                EcsTasks.await(ecs, "the running task RUNNING", runs, WAIT, t -> "RUNNING".equals(t.lastStatus()));
                ecs.stopTask(r -> r.cluster(CLUSTER).task(runs).reason("stop codes on Podman"));
                Task stopped = EcsTasks.await(
                        ecs, "the stopped task STOPPED", runs, WAIT, t -> "STOPPED".equals(t.lastStatus()));
                assertThat(stopped.stopCodeAsString()).isEqualTo("UserInitiated");
                assertThat(stopped.stoppedReason()).isEqualTo("stop codes on Podman");
            }
        }
    }

    private static String runTask(EcsClient ecs, String family) {
        return ecs.runTask(r -> r.cluster(CLUSTER).taskDefinition(family))
                .tasks()
                .get(0)
                .taskArn();
    }
}
