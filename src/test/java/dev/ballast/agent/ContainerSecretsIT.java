package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.Clients;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages.Format;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Container {@code secrets} end to end on Podman, driven by the AWS SDK: the embedded agent of {@code ballast server}
 * and a remote {@code ballast agent} resolve {@code valueFrom} from their own {@code --registry-credentials} file and
 * the container's process sees the values in its environment (read through the engine, never through Ballast),
 * while no API answer (DescribeTasks, DescribeTaskDefinition, DescribeServices with its events, the List calls) and
 * no line the server or agent logs at DEBUG contains them. A missing secret stops its task with ECS's
 * {@code ResourceInitializationError} naming the reference.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerSecretsIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String SM = "arn:aws:secretsmanager:us-east-1:000000000000:secret:";
    private static final Map<String, String> DEBUG = Map.of("ballast.log.level", "DEBUG");

    /** Values that must reach containers and nothing else. */
    private final String dbPassword = "db-" + UUID.randomUUID();

    private final String apiKey = "api-" + UUID.randomUUID();

    @TempDir
    Path dir;

    RegistryFixture registry;
    PodmanFixture podman;
    String image;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        podman = PodmanFixture.start(registry.host());
        registry.images().pushRunnable("demo/secrets:v1", Format.DOCKER, "secrets-v1");
        image = registry.host() + "/demo/secrets:v1";
    }

    @AfterAll
    void stop() {
        if (podman != null) {
            podman.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    private Path secretStore(String name) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, """
                {"prod/db": {"username": "app", "password": "%s"},
                 "/app/api-key": "%s"}
                """.formatted(dbPassword, apiKey));
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private ContainerDefinition.Builder app() {
        return ContainerDefinition.builder()
                .name("app")
                .image(image)
                .memory(32)
                .stopTimeout(2)
                .versionConsistency("disabled")
                .environment(e -> e.name("PLAIN").value("visible"))
                .command("/bin/sh", "-c", "echo \"db=$DB_PASSWORD api=$API_KEY plain=$PLAIN\"; sleep 3600");
    }

    private static final List<Secret> SECRETS = List.of(
            Secret.builder()
                    .name("DB_PASSWORD")
                    .valueFrom(SM + "prod/db:password::")
                    .build(),
            Secret.builder().name("API_KEY").valueFrom("/app/api-key").build());

    @Test
    void theEmbeddedAgentInjectsSecretsThatNoAnswerOrLogShows() throws Exception {
        Path store = secretStore("server-secrets.json");
        try (ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        DEBUG,
                        "--data-dir",
                        dir.resolve("server").toString(),
                        "--runtime",
                        "docker",
                        "--docker-host",
                        podman.dockerHost(),
                        "--registry-credentials",
                        store.toString());
                EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            refusesWhatEcsRefuses(ecs);

            ecs.registerTaskDefinition(r -> r.family("with-secrets")
                    .containerDefinitions(app().secrets(SECRETS).build()));
            assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition("with-secrets"))
                            .taskDefinition()
                            .containerDefinitions()
                            .get(0)
                            .secrets())
                    .as("DescribeTaskDefinition echoes the references as registered")
                    .isEqualTo(SECRETS);
            ecs.createService(r ->
                    r.serviceName("with-secrets").taskDefinition("with-secrets").desiredCount(1));
            Eventually.await(
                    "the service's task running",
                    WAIT,
                    () -> ecs.describeServices(r -> r.services("with-secrets"))
                                    .services()
                                    .get(0)
                                    .runningCount()
                            == 1);
            String taskArn =
                    ecs.listTasks(r -> r.serviceName("with-secrets")).taskArns().get(0);
            assertSeenByTheProcess(EcsTasks.describe(ecs, taskArn));

            Task missing = missingSecretStops(ecs);
            assertThat(missing.stoppedReason()).contains("the --registry-credentials file of this agent");

            assertNowhere(answers(server, List.of(taskArn, missing.taskArn()), "with-secrets") + server.log());
            assertThat(server.log()).contains("container secrets: 2").contains("level=DEBUG");
        }
    }

    @Test
    void aRemoteAgentResolvesFromItsOwnFile() throws Exception {
        Path store = secretStore("agent-secrets.json");
        try (ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        DEBUG,
                        "--data-dir",
                        dir.resolve("remote-server").toString(),
                        "--simulated-instances",
                        "0");
                EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            ecs.createCluster(c -> c.clusterName("default"));
            Path state = Files.createDirectories(dir.resolve("agent"));
            Map<String, String> env = Map.of("DOCKER_HOST", podman.dockerHost(), "ballast.log.level", "DEBUG");
            try (AgentProcess agent = AgentProcess.start(
                    server.endpoint(),
                    "default",
                    state,
                    env,
                    "--runtime",
                    "docker",
                    "--registry-credentials",
                    store.toString())) {
                Eventually.await("the agent registered", WAIT, () -> Files.exists(state.resolve("instance.json")));
                ecs.registerTaskDefinition(r -> r.family("remote-secrets")
                        .containerDefinitions(app().secrets(SECRETS).build()));
                String taskArn = ecs.runTask(r -> r.taskDefinition("remote-secrets"))
                        .tasks()
                        .get(0)
                        .taskArn();
                Task running = EcsTasks.await(
                        ecs, "the remote task RUNNING", taskArn, WAIT, t -> "RUNNING".equals(t.lastStatus()));
                assertSeenByTheProcess(running);

                Task missing = missingSecretStops(ecs);
                assertThat(missing.stoppedReason()).contains("is not in the secret store");

                assertNowhere(answers(server, List.of(taskArn, missing.taskArn()), null) + server.log() + agent.log());
                assertThat(agent.log()).contains("container secrets: 2").contains("level=DEBUG");
            }
        }
    }

    /** ECS's RegisterTaskDefinition errors for secrets, and the refusal of what Ballast does not serve. */
    private void refusesWhatEcsRefuses(EcsClient ecs) {
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("dup")
                        .containerDefinitions(app().secrets(
                                        s -> s.name("A").valueFrom("/x"),
                                        s -> s.name("A").valueFrom("/y"))
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("Duplicate secret names found: A. Each secret name must be unique.");
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("clash")
                        .containerDefinitions(app().secrets(s -> s.name("PLAIN").valueFrom("/x"))
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("The secret name must be unique and not shared with any new or existing "
                        + "environment variables set on the container, such as 'PLAIN'.");
        String malformed = "arn:aws:secretsmanager:us-east-1:000000000000:prod/db";
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("malformed")
                        .containerDefinitions(app().secrets(s -> s.name("DB").valueFrom(malformed))
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("'secrets' entry 'DB' for container 'app'")
                .hasMessageContaining("\"" + malformed + "\"");
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("log-secrets")
                        .containerDefinitions(app().logConfiguration(l -> l.logDriver("json-file")
                                        .secretOptions(s -> s.name("token").valueFrom("/x")))
                                .build())))
                .isInstanceOfSatisfying(
                        EcsException.class,
                        e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnsupportedFeatureException"))
                .hasMessageContaining("'logConfiguration.secretOptions'");
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("dup")).taskDefinitionArns())
                .as("nothing half-written")
                .isEmpty();
    }

    /** The process printed the values it found in its environment; read through the engine, not Ballast. */
    private void assertSeenByTheProcess(Task task) {
        String runtimeId = task.containers().get(0).runtimeId();
        String expected = "db=" + dbPassword + " api=" + apiKey + " plain=visible";
        Eventually.await(
                "the container's output",
                Duration.ofSeconds(30),
                () -> podman.podman("logs", runtimeId).contains(expected));
    }

    private Task missingSecretStops(EcsClient ecs) {
        String family = "missing-" + UUID.randomUUID().toString().substring(0, 8);
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(app().secrets(
                                SECRETS.get(0),
                                Secret.builder()
                                        .name("TOKEN")
                                        .valueFrom(SM + "prod/token")
                                        .build())
                        .build()));
        String arn = ecs.runTask(r -> r.taskDefinition(family)).tasks().get(0).taskArn();
        Task stopped = EcsTasks.await(
                ecs, "the task missing a secret STOPPED", arn, WAIT, t -> "STOPPED".equals(t.lastStatus()));
        assertThat(stopped.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(stopped.stoppedReason())
                .startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ")
                .contains("container app, secret TOKEN")
                .contains("\"" + SM + "prod/token\"")
                .doesNotContain(dir.toString());
        assertThat(stopped.containers().get(0).reason()).isEqualTo(stopped.stoppedReason());
        return stopped;
    }

    /** Every answer a caller can get about these tasks, definitions and services, as sent on the wire. */
    private static String answers(ServerProcess server, List<String> taskArns, String service) {
        RawClient raw = new RawClient(server.endpoint(), "test", "test", "us-east-1");
        StringBuilder all = new StringBuilder();
        String tasks = "[\"" + String.join("\",\"", taskArns) + "\"]";
        List<String[]> calls = new ArrayList<>(List.of(
                new String[] {"DescribeTasks", "{\"tasks\": " + tasks + "}"},
                new String[] {"ListTasks", "{}"},
                new String[] {"ListTaskDefinitions", "{}"},
                new String[] {"ListTaskDefinitionFamilies", "{}"},
                new String[] {"DescribeTaskDefinition", "{\"taskDefinition\": \"with-secrets\"}"},
                new String[] {"DescribeTaskDefinition", "{\"taskDefinition\": \"remote-secrets\"}"},
                new String[] {"ListContainerInstances", "{}"},
                new String[] {"ListServices", "{}"}));
        if (service != null) {
            calls.add(new String[] {"DescribeServices", "{\"services\": [\"" + service + "\"]}"});
            calls.add(new String[] {"ListServiceDeployments", "{\"service\": \"" + service + "\"}"});
        }
        for (String[] call : calls) {
            RawClient.Response r = raw.call(call[0], call[1]);
            all.append(call[0])
                    .append(' ')
                    .append(new String(r.body(), StandardCharsets.UTF_8))
                    .append('\n');
        }
        assertThat(all.toString())
                .as("the answers were read (they show the references)")
                .contains("prod/db:password::")
                .contains(taskArns.get(0));
        return all.toString();
    }

    private void assertNowhere(String text) {
        assertThat(text)
                .as("no API answer or log line holds a secret value")
                .doesNotContain(dbPassword)
                .doesNotContain(apiKey);
    }
}
