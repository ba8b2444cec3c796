package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.Json;
import dev.ballast.api.LifecycleApi;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.cli.Main;
import dev.ballast.image.Digest;
import dev.ballast.image.MediaTypes;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * Drift against a real CNCF registry and a running server: a service deployed from a tag, a new image pushed to the
 * tag and recorded as the tag watcher would ({@code store.tagStates().record}, source POLL); DescribeServices'
 * {@code imageDrift}, the service event (once), DescribeDrift, {@code ballast drift --output json} and the gauges;
 * and an index that gains an arm64 child only, which amd64 services report as "index changed, platform unchanged".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriftIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final String ECS = "AmazonEC2ContainerServiceV20141113";

    RegistryFixture registry;
    TestServer server;
    EcsClient ecs;
    JsonApiClient api;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> c.simulatedInstances(1));
        ecs = server.client();
        api = new JsonApiClient(
                server.endpoint(),
                new SigV4Signer("test", "test", TestServer.ACCOUNT.region(), "ecs", Clock.systemUTC())::sign);
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void aMovedTagIsDriftInDescribeServicesEventsMetricsAndTheCli() throws Exception {
        Digest app1 = registry.images().push("demo/app:v1", TestImages.Format.OCI, "app-1");
        Digest log1 = registry.images().push("demo/log:v1", TestImages.Format.OCI, "log-1");
        ecs.registerTaskDefinition(r -> r.family("drifty")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/app:v1")
                                .memory(64)
                                .versionConsistency("enabled")
                                .build(),
                        ContainerDefinition.builder()
                                .name("log")
                                .image(registry.host() + "/demo/log:v1")
                                .memory(32)
                                .essential(false)
                                .versionConsistency("disabled")
                                .build()));
        ecs.createService(r -> r.serviceName("drifty").taskDefinition("drifty").desiredCount(2));
        awaitRunning("drifty", 2);

        Store store = server.server().store();
        TagKey appTag = new TagKey(registry.host(), "demo/app", "v1");
        TagKey logTag = new TagKey(registry.host(), "demo/log", "v1");
        // the baseline: the deployment's resolution recorded the tag before any watcher looked
        TagState baseline = store.tagStates().find(appTag).orElseThrow();
        assertThat(baseline.digest()).isEqualTo(app1.toString());
        assertThat(baseline.source()).isEqualTo(TagSource.DEPLOYMENT);
        JsonNode before = imageDrift("drifty");
        assertThat(container(before, "app").path("status").asText()).isEqualTo("in-sync");
        assertThat(container(before, "log").path("status").asText())
                .as("never watched")
                .isEqualTo("unknown");
        assertThat(before.path("drifted").asBoolean()).isFalse();

        Digest app2 = registry.images().moveTag("demo/app:v1", TestImages.Format.OCI, "app-2");
        Digest log2 = registry.images().moveTag("demo/log:v1", TestImages.Format.OCI, "log-2");
        long seen = System.currentTimeMillis();
        store.tagStates()
                .record(new TagState(
                        appTag, app2.toString(), MediaTypes.OCI_MANIFEST, null, seen, seen, TagSource.POLL));
        store.tagStates()
                .record(new TagState(
                        logTag, log2.toString(), MediaTypes.OCI_MANIFEST, null, seen, seen, TagSource.POLL));
        server.server().reconcilers().passOnce();

        JsonNode after = imageDrift("drifty");
        assertThat(after.path("drifted").asBoolean()).isTrue();
        JsonNode app = container(after, "app");
        assertThat(app.path("status").asText()).isEqualTo("moved");
        assertThat(app.path("pinnedDigest").asText()).isEqualTo(app1.toString());
        assertThat(app.path("registryDigest").asText()).isEqualTo(app2.toString());
        assertThat(app.path("since").decimalValue().longValue()).isEqualTo(seen / 1000);
        assertThat(app.path("runningTasks").asInt()).isEqualTo(2);
        assertThat(app.path("convergedTasks").asInt())
                .as("pinned tasks run the recorded digest")
                .isEqualTo(2);
        JsonNode log = container(after, "log");
        assertThat(log.path("status").asText()).isEqualTo("moved");
        assertThat(log.path("pinnedDigest").isNull()).isTrue();
        assertThat(log.path("convergedTasks").asInt())
                .as("disabled tasks still run the old tag")
                .isZero();
        assertThat(log.path("converged").asBoolean()).isFalse();
        assertThat(log.path("unconvergedTasks")).hasSize(2);
        assertThat(after.path("unconvergedTaskCount").asInt()).isEqualTo(2);
        assertThat(log1).isNotEqualTo(log2);

        String moved = "(service drifty) container app: tag " + appTag + " moved to " + app2;
        assertThat(events("drifty")).filteredOn(m -> m.startsWith(moved)).hasSize(1);
        server.server().reconcilers().passOnce();
        assertThat(events("drifty"))
                .as("once per tag and digest")
                .filteredOn(m -> m.startsWith(moved))
                .hasSize(1);
        assertThat(events("drifty"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("(service drifty) container log: tag " + logTag + " moved to " + log2)
                        .endsWith("2 of 2 running tasks have not converged."));

        assertThat(metrics()).contains("ballast_drifted_services 1.0").contains("ballast_unconverged_tasks 2.0");

        String json = ballast("drift", "--service", "drifty", "--output", "json");
        JsonNode answer = Json.mapper().readTree(json);
        JsonNode service = answer.path("services").get(0);
        assertThat(service.path("serviceName").asText()).isEqualTo("drifty");
        assertThat(container(service, "app").path("registryDigest").asText()).isEqualTo(app2.toString());
        String table = ballast("drift", "--service", "drifty");
        assertThat(table.lines().findFirst().orElseThrow())
                .startsWith("SERVICE")
                .contains("REGISTRY NOW")
                .contains("TASKS CONVERGED");
        assertThat(table).contains("2/2").contains("0/2").contains("moved");
    }

    @Test
    void anIndexThatGainsAnArm64ChildOnlyIsNotDriftForAmd64Tasks() {
        TestImages images = registry.images();
        String amd = images.buildPlatform("multi-1", "amd64");
        Digest amdOnly = images.pushIndexOf("demo/multi:v1", TestImages.Format.OCI, List.of(amd));
        ecs.registerTaskDefinition(r -> r.family("multi")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/demo/multi:v1")
                        .memory(64)
                        .build()));
        ecs.createService(r -> r.serviceName("multi").taskDefinition("multi").desiredCount(1));
        awaitRunning("multi", 1);

        String arm = images.buildPlatform("multi-1-arm", "arm64");
        Digest both = images.pushIndexOf("demo/multi:v1", TestImages.Format.OCI, List.of(amd, arm));
        assertThat(both).isNotEqualTo(amdOnly);
        TagKey tag = new TagKey(registry.host(), "demo/multi", "v1");
        long seen = System.currentTimeMillis();
        server.server()
                .store()
                .tagStates()
                .record(new TagState(tag, both.toString(), MediaTypes.OCI_INDEX, null, seen, seen, TagSource.POLL));

        // the children of both indexes are fetched once, off the controller workers, then the job runs again
        Eventually.await("the indexes' platforms are known", WAIT, () -> {
            server.server().reconcilers().passOnce();
            return !container(imageDrift("multi"), "app")
                    .path("status")
                    .asText()
                    .equals("unknown");
        });
        JsonNode app = container(imageDrift("multi"), "app");
        assertThat(app.path("status").asText()).isEqualTo("index-changed-platform-unchanged");
        assertThat(app.path("pinnedDigest").asText()).isEqualTo(amdOnly.toString());
        assertThat(app.path("registryDigest").asText()).isEqualTo(both.toString());
        assertThat(app.path("platforms").get(0).asText()).isEqualTo("linux/amd64");
        Map<String, String> children = server.server()
                .store()
                .indexPlatforms()
                .find(registry.host(), "demo/multi", both.toString())
                .orElseThrow();
        assertThat(children).containsKeys("linux/amd64", "linux/arm64");
        assertThat(app.path("platformDigest").asText()).isEqualTo(children.get("linux/amd64"));
        assertThat(imageDrift("multi").path("drifted").asBoolean()).isFalse();
        server.server().reconcilers().passOnce();
        assertThat(events("multi"))
                .anySatisfy(m -> assertThat(m)
                        .startsWith("(service multi) container app: index changed, platform" + " unchanged: tag " + tag
                                + " points to " + both));
        JsonNode drift = api.call(
                LifecycleApi.TARGET_PREFIX,
                "DescribeDrift",
                Json.object().set("services", Json.mapper().createArrayNode().add("multi")));
        assertThat(container(drift.path("services").get(0), "app")
                        .path("status")
                        .asText())
                .isEqualTo("index-changed-platform-unchanged");
    }

    private void awaitRunning(String service, int count) {
        Eventually.await(service + " running", WAIT, () -> {
            Service s =
                    ecs.describeServices(r -> r.services(service)).services().getFirst();
            return s.runningCount() == count
                    && s.deployments().size() == 1
                    && imageDrift(service)
                                    .path("containers")
                                    .get(0)
                                    .path("runningTasks")
                                    .asInt()
                            == count;
        });
    }

    private JsonNode imageDrift(String service) {
        ObjectNode in = Json.object();
        in.putArray("services").add(service);
        return api.call(ECS, "DescribeServices", in).path("services").get(0).path("imageDrift");
    }

    private static JsonNode container(JsonNode drift, String name) {
        for (JsonNode c : drift.path("containers")) {
            if (c.path("containerName").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name + " in " + drift);
    }

    private List<String> events(String service) {
        return ecs.describeServices(r -> r.services(service)).services().getFirst().events().stream()
                .map(ServiceEvent::message)
                .toList();
    }

    private String metrics() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(
                            HttpRequest.newBuilder(URI.create(server.endpoint() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }

    private String ballast(String... args) {
        CommandLine cmd = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 6];
        System.arraycopy(args, 0, all, 0, args.length);
        System.arraycopy(
                new String[] {"--endpoint", server.endpoint().toString(), "--access-key", "test", "--secret-key", "test"
                },
                0,
                all,
                args.length,
                6);
        int exit = cmd.execute(all);
        assertThat(exit).as(err.toString()).isZero();
        return out.toString();
    }
}
