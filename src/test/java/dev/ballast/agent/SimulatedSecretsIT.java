package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.registry.RepositoryCredentials;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Container {@code secrets} on the server's simulated instances, through the AWS SDK: the embedded agent resolves
 * them from the server's {@code --registry-credentials} file and the simulated runtime "creates" the container with
 * them (what an engine's container would see); DescribeTasks shows none of them.
 */
class SimulatedSecretsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theSimulatedRuntimeGetsTheResolvedSecrets(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets.json");
        Files.writeString(file, "{\"prod/db\": {\"password\": \"sim-hunter2\"}, \"/app/key\": \"sim-k3y\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server = TestServer.sqlite(c -> c.repositoryCredentials(RepositoryCredentials.load(file)));
                EcsClient ecs = server.client()) {
            registry.images().push("demo/sim:v1", Format.OCI, "sim-v1");
            ecs.registerTaskDefinition(r -> r.family("sim")
                    .containerDefinitions(c -> c.name("app")
                            .image(registry.host() + "/demo/sim:v1")
                            .memory(16)
                            .secrets(
                                    s -> s.name("DB_PASSWORD")
                                            .valueFrom(
                                                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db:password::"),
                                    s -> s.name("KEY").valueFrom("/app/key"))));
            String arn =
                    ecs.runTask(r -> r.taskDefinition("sim")).tasks().get(0).taskArn();
            Task running = EcsTasks.await(ecs, "the task RUNNING", arn, WAIT, t -> "RUNNING".equals(t.lastStatus()));
            String runtimeId = running.containers().get(0).runtimeId();

            Optional<SecretEnvironment> injected = server.server().agents().agents().stream()
                    .map(a -> ((SimulatedRuntime) a.runtime()).secrets(runtimeId))
                    .flatMap(Optional::stream)
                    .findFirst();
            assertThat(injected).isPresent();
            assertThat(injected.get().value("DB_PASSWORD")).isEqualTo("sim-hunter2");
            assertThat(injected.get().value("KEY")).isEqualTo("sim-k3y");
            assertThat(ecs.describeTasks(r -> r.tasks(arn)).toString())
                    .contains("arn:aws:ecs")
                    .doesNotContain("sim-hunter2")
                    .doesNotContain("sim-k3y");

            // a service whose secret is missing: its tasks stop before pulling, and the service says why
            String missing = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/missing";
            ecs.registerTaskDefinition(r -> r.family("sim-missing")
                    .containerDefinitions(c -> c.name("app")
                            .image(registry.host() + "/demo/sim:v1")
                            .memory(16)
                            .secrets(
                                    s -> s.name("KEY").valueFrom("/app/key"),
                                    s -> s.name("GONE").valueFrom(missing))));
            ecs.createService(r ->
                    r.serviceName("sim-missing").taskDefinition("sim-missing").desiredCount(1));
            Eventually.await(
                    "the service's event naming the missing secret",
                    WAIT,
                    () -> ecs.describeServices(r -> r.services("sim-missing")).services().get(0).events().stream()
                            .anyMatch(e -> e.message()
                                    .contains("could not start a task: ResourceInitializationError: unable to pull "
                                            + "secrets or registry auth: container app, secret GONE: secret \""
                                            + missing + "\" is not in the secret store")));
            assertThat(ecs.describeServices(r -> r.services("sim-missing")).toString())
                    .doesNotContain("sim-hunter2")
                    .doesNotContain("sim-k3y");
        }
    }
}
