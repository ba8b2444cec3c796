package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.image.Digest;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.GoldenFiles;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import dev.ballast.testing.WireNormaliser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Pins the JSON the server sends for DescribeTaskDefinition, DescribeServices, DescribeServiceRevisions,
 * DescribeTasks and PollTasks after one fixed scenario, against the golden files in
 * {@code src/test/resources/golden}, on SQLite and on PostgreSQL alike: a real registry, the server in-process with one simulated container instance
 * in {@code default}, and a remote-style instance in cluster {@code remote} for which this test is the agent
 * (raw signed PollTasks and SubmitTaskStateChange). The answers are normalised by {@link WireNormaliser} only
 * where runs legitimately differ (random ids, digests, runtime ids, the registry's port, timestamps) and compared
 * by {@link GoldenFiles}; {@code -Dgolden.update=true} rewrites the files (docs/architecture.md).
 *
 * <p>Choices that keep the answers deterministic: one simulated instance, so placement has no choice;
 * {@code minimumHealthyPercent} 0 and {@code maximumPercent} 100, so the forced deployment stops both old tasks in
 * one step and starts both new ones in the next (with 100/200 the number of tasks per "has stopped" event would
 * depend on how fast the new tasks run); every wait is for an end state the server reaches by itself. The clock is
 * the system clock: a frozen one would hold the first resolution forever (it waits for revisions to settle for
 * 200 ms of the server's clock), and SigV4 keeps any test clock within 15 minutes of now anyway.
 */
class WireFormatGoldenIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern STARTED = Pattern.compile("has started \\d+ tasks: (.*)\\.");
    private static final Pattern TASK_ID = Pattern.compile("\\(task ([0-9a-f]{32})\\)");

    private RawClient raw;
    private EcsClient ecs;

    @Test
    void onSqliteTheAnswersMatchTheGoldenFiles() {
        scenario("sqlite", null);
    }

    /** The same files: the wire format does not depend on the store. */
    @Test
    void onPostgresTheAnswersMatchTheGoldenFiles() {
        scenario("postgres", PostgresFixture.newDatabase());
    }

    private void scenario(String store, String storeUrl) {
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server = TestServer.start(
                        storeUrl,
                        c -> c.simulatedInstances(1)
                                .agentHealth(new InstanceHealth.Settings(Duration.ofHours(1), Duration.ofHours(2))));
                EcsClient client = server.client()) {
            raw = RawClient.forServer(server);
            ecs = client;
            Digest app = registry.images().push("golden/app:v1", TestImages.Format.OCI, "golden app v1");
            Digest log = registry.images().push("golden/log:v1", TestImages.Format.DOCKER, "golden log router v1");
            Map<String, JsonNode> answers = new LinkedHashMap<>();
            String reg = registry.host();

            // a task definition: pinned app with a health check, dependsOn and a port; a disabled, non-essential
            // sidecar; tags
            call("RegisterTaskDefinition", """
                    {"family": "golden", "networkMode": "bridge", "cpu": "256", "memory": "512",
                     "containerDefinitions": [
                       {"name": "app", "image": "%1$s/golden/app:v1", "cpu": 128, "memory": 64, "essential": true,
                        "versionConsistency": "enabled", "command": ["serve", "--port", "8080"],
                        "environment": [{"name": "MODE", "value": "golden"}],
                        "portMappings": [{"containerPort": 8080, "name": "http"}],
                        "dependsOn": [{"containerName": "log-router", "condition": "START"}],
                        "healthCheck": {"command": ["CMD-SHELL", "exit 0"], "interval": 5, "timeout": 2, "retries": 2},
                        "stopTimeout": 10},
                       {"name": "log-router", "image": "%1$s/golden/log:v1", "memory": 32, "essential": false,
                        "versionConsistency": "disabled"}],
                     "tags": [{"key": "team", "value": "platform"}, {"key": "tier", "value": "golden"}]}
                    """.formatted(reg));

            // a service of 2, resolved and steady
            call("CreateService", """
                    {"cluster": "default", "serviceName": "golden", "taskDefinition": "golden:1", "desiredCount": 2,
                     "deploymentConfiguration": {"minimumHealthyPercent": 0, "maximumPercent": 100,
                                                 "deploymentCircuitBreaker": {"enable": true, "rollback": true}},
                     "propagateTags": "SERVICE", "tags": [{"key": "service", "value": "golden"}]}
                    """);
            Eventually.await("service golden steady", WAIT, () -> steady(1));
            String firstRevision =
                    service().currentServiceRevisions().getFirst().arn();

            // RunTask, healthy, then StopTask: stopCode UserInitiated and the reason
            String runArn =
                    call("RunTask", """
                    {"cluster": "default", "taskDefinition": "golden:1", "startedBy": "golden-run",
                     "propagateTags": "TASK_DEFINITION", "tags": [{"key": "run", "value": "once"}]}
                    """).path("tasks").get(0).path("taskArn").asText();
            EcsTasks.await(
                    ecs,
                    "run task RUNNING and HEALTHY",
                    runArn,
                    WAIT,
                    t -> t.lastStatus().equals("RUNNING")
                            && t.healthStatusAsString().equals("HEALTHY"));
            call("StopTask", """
                    {"cluster": "default", "task": "%s", "reason": "golden: stopped by the test"}""".formatted(runArn));
            EcsTasks.await(
                    ecs, "run task STOPPED", runArn, WAIT, t -> t.lastStatus().equals("STOPPED"));

            // a forced new deployment: a second revision; the first deployment's tasks stopped by the scheduler
            call("UpdateService", """
                    {"cluster": "default", "service": "golden", "forceNewDeployment": true}""");
            Eventually.await(
                    "forced deployment steady",
                    WAIT,
                    () -> steady(2)
                            && !service()
                                    .currentServiceRevisions()
                                    .getFirst()
                                    .arn()
                                    .equals(firstRevision));
            String secondRevision =
                    service().currentServiceRevisions().getFirst().arn();

            answers.put("describe-task-definition", call("DescribeTaskDefinition", """
                    {"taskDefinition": "golden:1", "include": ["TAGS"]}"""));
            JsonNode services = call("DescribeServices", """
                    {"cluster": "default", "services": ["golden"], "include": ["TAGS"]}""");
            answers.put("describe-services", services);
            answers.put("describe-service-revisions", call("DescribeServiceRevisions", """
                    {"serviceRevisionArns": ["%s", "%s"]}""".formatted(
                            firstRevision, secondRevision)));
            // in launch order: the first deployment's tasks as its event lists them, the run task, the second's
            List<List<String>> launches = launchesOldestFirst(services);
            assertThat(launches).hasSize(2);
            List<String> tasks = new ArrayList<>(launches.get(0));
            tasks.add(runArn.substring(runArn.lastIndexOf('/') + 1));
            tasks.addAll(launches.get(1));
            answers.put("describe-tasks", call("DescribeTasks", """
                    {"cluster": "default", "tasks": %s, "include": ["TAGS"]}""".formatted(json(tasks))));

            new RemoteAgent(this).run(answers, app, log);

            WireNormaliser normaliser = new WireNormaliser()
                    .literal(reg, "<registry>")
                    .name(app.toString(), "digest:golden/app:v1")
                    .name(log.toString(), "digest:golden/log:v1");
            GoldenFiles golden = GoldenFiles.inProject(store);
            answers.forEach((name, answer) -> golden.verify(name, normaliser.normalise(answer)));
            golden.assertAllMatch();
        }
    }

    /** The service's current deployment is COMPLETED with its tasks running, and it said so {@code completions} times. */
    private boolean steady(int completions) {
        Service s = service();
        List<String> events = s.events().stream().map(ServiceEvent::message).toList();
        return s.deployments().size() == 1
                && s.runningCount() == 2
                && s.pendingCount() == 0
                && "COMPLETED".equals(s.deployments().getFirst().rolloutStateAsString())
                && events.stream()
                                .filter(m -> m.endsWith(" deployment completed."))
                                .count()
                        == completions
                && events.getFirst().equals("(service golden) has reached a steady state.");
    }

    private Service service() {
        return ecs.describeServices(r -> r.cluster("default").services("golden"))
                .services()
                .getFirst();
    }

    /** The task ids of each "has started" event of the answer, oldest event first. */
    private static List<List<String>> launchesOldestFirst(JsonNode services) {
        List<List<String>> out = new ArrayList<>();
        for (JsonNode e : services.path("services").get(0).path("events")) {
            Matcher m = STARTED.matcher(e.path("message").asText());
            if (m.find()) {
                List<String> ids = new ArrayList<>();
                Matcher id = TASK_ID.matcher(m.group(1));
                while (id.find()) {
                    ids.add(id.group(1));
                }
                out.addFirst(ids);
            }
        }
        return out;
    }

    static String json(List<String> values) {
        return values.stream()
                .map(v -> "\"" + v + "\"")
                .reduce((a, b) -> a + ", " + b)
                .map(s -> "[" + s + "]")
                .orElse("[]");
    }

    /** An ECS operation, signed; the answer as the server sent it. Fails on anything but 200. */
    JsonNode call(String operation, String json) {
        return ok(operation, raw.call(operation, json));
    }

    RawClient raw() {
        return raw;
    }

    static JsonNode ok(String operation, RawClient.Response r) {
        if (r.status() != 200) {
            throw new AssertionError(operation + " answered " + r);
        }
        return r.json();
    }
}
