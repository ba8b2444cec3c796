package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A remote {@code ballast agent} pulls from a Basic-auth registry with its own {@code --registry-credentials}
 * file: the server process has no such file, so the secret can only have come from the agent's host.
 */
class RemoteAgentCredentialsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theAgentLooksUpRepositoryCredentialsInItsOwnFile(@TempDir Path dir) throws Exception {
        try (RegistryFixture registry = RegistryFixture.startWithBasicAuth("alice", "wonderland");
                ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--data-dir",
                        dir.resolve("server").toString(),
                        "--simulated-instances",
                        "0");
                EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            Digest pushed = registry.images().push("demo/remote-private:v1", Format.OCI, "remote private");
            ecs.createCluster(c -> c.clusterName("default"));
            Path file = dir.resolve("agent-registry-credentials.json");
            Files.writeString(
                    file,
                    "{\"ci/registry\": {\"username\": \"alice\", \"password\": \"wonderland\", \"registry\": \""
                            + registry.host() + "\"}}");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
            Path state = Files.createDirectories(dir.resolve("agent"));
            try (AgentProcess agent = AgentProcess.start(
                    server.endpoint(), "default", state, "--registry-credentials", file.toString())) {
                Eventually.await(
                        "agent registered",
                        WAIT,
                        () -> !ecs.listContainerInstances(r -> r.cluster("default"))
                                .containerInstanceArns()
                                .isEmpty());
                String image = registry.host() + "/demo/remote-private:v1";
                // disabled: the server does not resolve (it has no credentials); the agent resolves and pulls.
                ecs.registerTaskDefinition(r -> r.family("remote-private")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(16)
                                .versionConsistency("disabled")
                                .repositoryCredentials(c -> c.credentialsParameter(
                                        "arn:aws:secretsmanager:us-east-1:000000000000:secret:ci/registry"))
                                .build()));
                String ok = ecs.runTask(r -> r.taskDefinition("remote-private"))
                        .tasks()
                        .get(0)
                        .taskArn();
                Eventually.await(
                        "task running on the remote agent",
                        WAIT,
                        () -> ecs.describeTasks(r -> r.tasks(ok))
                                .tasks()
                                .get(0)
                                .lastStatus()
                                .equals("RUNNING"));
                assertThat(ecs.describeTasks(r -> r.tasks(ok))
                                .tasks()
                                .get(0)
                                .containers()
                                .get(0)
                                .imageDigest())
                        .isEqualTo(pushed.toString());

                ecs.registerTaskDefinition(r -> r.family("remote-unknown")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(16)
                                .versionConsistency("disabled")
                                .repositoryCredentials(c -> c.credentialsParameter("ci/other"))
                                .build()));
                String bad = ecs.runTask(r -> r.taskDefinition("remote-unknown"))
                        .tasks()
                        .get(0)
                        .taskArn();
                Eventually.await(
                        "unknown parameter stops the task",
                        WAIT,
                        () -> ecs.describeTasks(r -> r.tasks(bad))
                                .tasks()
                                .get(0)
                                .lastStatus()
                                .equals("STOPPED"));
                Task stopped = ecs.describeTasks(r -> r.tasks(bad)).tasks().get(0);
                assertThat(stopped.stoppedReason())
                        .startsWith("CannotPullContainerError: ")
                        .contains("container app")
                        .contains("\"ci/other\" is not in the registry credentials")
                        .doesNotContain(file.toString());

                String agentLog = agent.log();
                assertThat(agentLog).contains("readable by group or others").contains("1 entries from " + file);
                assertThat(agentLog + server.log()).doesNotContain("wonderland");
            }
        }
    }
}
