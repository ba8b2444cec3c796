package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.model.ContainerStatus;
import dev.ballast.registry.Credential;
import dev.ballast.registry.RepositoryCredentials;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container {@code secrets} on the agent, against a real SQLite store and a runtime that records what each container
 * was created with: the agent resolves them from the secret store of its {@code --registry-credentials} file and
 * hands them to the runtime at create; a secret it cannot resolve stops the task before any pull with ECS's
 * {@code ResourceInitializationError}, naming the reference. Values appear in no stored task.
 */
class AgentSecretsTest {
    static final String INSTANCE = AgentTest.INSTANCE;
    static final String SM = "arn:aws:secretsmanager:us-east-1:000000000000:secret:";

    @TempDir
    Path dir;

    private RepositoryCredentials file() throws Exception {
        Path f = dir.resolve("secrets.json");
        Files.writeString(f, """
                {"prod/db": {"username": "app", "password": "hunter2-db"},
                 "/app/api-key": "k3y-api",
                 "ci/registry": {"username": "u", "password": "registry-pw", "registry": "127.0.0.1:1"}}
                """);
        return RepositoryCredentials.load(f);
    }

    private static String definition(String family, String secrets) {
        return """
                {"family": "%s", "containerDefinitions": [
                  {"name": "app", "image": "127.0.0.1:1/app:v1", "memory": 16,
                   "environment": [{"name": "PLAIN", "value": "visible"}],
                   "secrets": %s}]}
                """.formatted(family, secrets);
    }

    @Test
    void secretsReachTheContainerAndNothingElse() throws Exception {
        RecordingRuntime runtime = new RecordingRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(
                        INSTANCE,
                        Tasks.source(store),
                        runtime,
                        new SimpleMeterRegistry(),
                        clock,
                        2,
                        () -> {},
                        file())) {
            Tasks tasks = new Tasks(store);
            TaskRow placed = tasks.placeDefined(INSTANCE, definition("app", """
                            [{"name": "DB_PASSWORD", "valueFrom": "%sprod/db:password::"},
                             {"name": "DB_JSON", "valueFrom": "%sprod/db"},
                             {"name": "API_KEY", "valueFrom": "/app/api-key"},
                             {"name": "API_KEY_ARN", "valueFrom": "arn:aws:ssm:us-east-1:000000000000:parameter/app/api-key"}]
                            """.formatted(SM, SM)));
            Tasks.settle(agent);

            TaskRow running = tasks.get(placed);
            assertThat(running.lastStatus()).isEqualTo("RUNNING");
            SecretEnvironment env =
                    runtime.created.get(running.containers().get(0).runtimeId());
            assertThat(env.value("DB_PASSWORD")).isEqualTo("hunter2-db");
            assertThat(env.value("DB_JSON")).isEqualTo("{\"username\":\"app\",\"password\":\"hunter2-db\"}");
            assertThat(env.value("API_KEY")).isEqualTo("k3y-api");
            assertThat(env.value("API_KEY_ARN")).isEqualTo("k3y-api");
            assertThat(env.appendedTo(List.of("PLAIN=visible")))
                    .containsExactly(
                            "PLAIN=visible",
                            "DB_PASSWORD=hunter2-db",
                            "DB_JSON={\"username\":\"app\",\"password\":\"hunter2-db\"}",
                            "API_KEY=k3y-api",
                            "API_KEY_ARN=k3y-api");
            assertThat(env.toString())
                    .contains("DB_PASSWORD")
                    .doesNotContain("hunter2")
                    .doesNotContain("k3y");
            assertThat(running.toString() + store.tasks().find(placed.arn()).orElseThrow())
                    .doesNotContain("hunter2")
                    .doesNotContain("k3y-api");
        }
    }

    @Test
    void aMissingSecretStopsTheTaskBeforeAnyPullNamingTheReference() throws Exception {
        RecordingRuntime runtime = new RecordingRuntime();
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock);
                Agent agent = new Agent(
                        INSTANCE,
                        Tasks.source(store),
                        runtime,
                        new SimpleMeterRegistry(),
                        clock,
                        2,
                        () -> {},
                        file())) {
            Tasks tasks = new Tasks(store);
            TaskRow missing = tasks.placeDefined(
                    INSTANCE,
                    definition(
                            "missing",
                            "[{\"name\": \"DB_PASSWORD\", \"valueFrom\": \"" + SM + "prod/db:password::\"},"
                                    + " {\"name\": \"TOKEN\", \"valueFrom\": \"" + SM + "prod/token\"}]"));
            TaskRow registry = tasks.placeDefined(
                    INSTANCE,
                    definition(
                            "registry", "[{\"name\": \"PW\", \"valueFrom\": \"" + SM + "ci/registry:password::\"}]"));
            TaskRow badKey = tasks.placeDefined(
                    INSTANCE,
                    definition("badkey", "[{\"name\": \"PW\", \"valueFrom\": \"" + SM + "prod/db:pass::\"}]"));
            Tasks.settle(agent);

            TaskRow stopped = tasks.get(missing);
            assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
            assertThat(stopped.stopCode()).isEqualTo("TaskFailedToStart");
            assertThat(stopped.stoppedReason())
                    .startsWith("ResourceInitializationError: unable to pull secrets or registry auth: ")
                    .contains("container app, secret TOKEN")
                    .contains("\"" + SM + "prod/token\" is not in the secret store")
                    .doesNotContain(dir.toString());
            assertThat(stopped.containers())
                    .extracting(ContainerRow::lastStatus)
                    .containsExactly("STOPPED");
            assertThat(stopped.containers().get(0).reason()).isEqualTo(stopped.stoppedReason());
            assertThat(tasks.get(registry).stoppedReason())
                    .as("registry credentials never go into a container's environment")
                    .contains("is registry credentials")
                    .doesNotContain("registry-pw");
            assertThat(tasks.get(badKey).stoppedReason())
                    .contains("has no JSON key \"pass\"")
                    .doesNotContain("hunter2");
            assertThat(runtime.pulls).as("nothing pulled, nothing created").hasValue(0);
            assertThat(runtime.created).isEmpty();
        }
    }

    @Test
    void aRuntimeThatCannotInjectSecretsRefusesTheContainer() throws Exception {
        ContainerRuntime plain = new AgentTest.ScriptedRuntime();
        AgentContainer c = new AgentContainer(
                "app", "arn:c", "img", "img", null, ContainerStatus.PENDING, null, null, null, true, null, null);
        assertThatThrownBy(() -> plain.start(null, c, new SecretEnvironment(Map.of("PW", "hunter2"))))
                .isInstanceOfSatisfying(
                        StartFailedException.class,
                        e -> assertThat(e.reason())
                                .startsWith("CannotCreateContainerError: ")
                                .contains("[PW]")
                                .doesNotContain("hunter2"));
    }

    /** Pulls succeed; each start records the secret environment the container was created with. */
    static final class RecordingRuntime implements ContainerRuntime {
        final Map<String, SecretEnvironment> created = new ConcurrentHashMap<>();
        final AtomicInteger pulls = new AtomicInteger();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public String description() {
            return "test double";
        }

        @Override
        public Map<String, String> attributes() {
            return Map.of();
        }

        @Override
        public PullResult pull(String launchImage, Optional<Credential> credentials) {
            pulls.incrementAndGet();
            return new PullResult(Digest.sha256(launchImage.getBytes(StandardCharsets.UTF_8)), false);
        }

        @Override
        public String start(AgentTask task, AgentContainer container) {
            return start(task, container, SecretEnvironment.NONE);
        }

        @Override
        public String start(AgentTask task, AgentContainer container, SecretEnvironment secrets) {
            String id = "id-" + container.containerArn().hashCode();
            created.putIfAbsent(id, secrets);
            return id;
        }

        @Override
        public void stop(String runtimeId, Duration timeout) {}

        @Override
        public Optional<ExitStatus> status(String runtimeId) {
            return Optional.empty();
        }
    }
}
