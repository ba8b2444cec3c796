package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.image.Digest;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.SignedJson;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * The combination users hit (issue 9, item 13): "strict by default" as the account rule {@code *} →
 * consistent, with the built-in managed catalog, and a task definition with an app and a Datadog-agent
 * sidecar pulled through a mirror path, both on a real registry. The app is pinned, the sidecar follows
 * its tag (decided by the catalog, recognised as a mirror); a user rule overriding the catalog entry then
 * pins the sidecar too. A cluster setting {@code disabled} that un-pins a container says so in the
 * deployment's event and in ExplainPolicy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StrictByDefaultScenarioIT {
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private SignedJson raw;
    private Digest app;
    private Digest agent;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        ecs = server.client();
        raw = new SignedJson(server.endpoint());
        app = registry.images().push("shop/app:v1", TestImages.Format.OCI, "app");
        agent = registry.images().push("docker-hub/datadog/agent:7", TestImages.Format.OCI, "agent");
        ecs.registerTaskDefinition(t -> t.family("shop")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/shop/app:v1")
                                .memory(8)
                                .build(),
                        ContainerDefinition.builder()
                                .name("datadog")
                                .image(registry.host() + "/docker-hub/datadog/agent:7")
                                .memory(8)
                                .essential(false)
                                .build()));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void strictByDefaultPinsTheAppNotTheMirroredSidecarUntilTheUserOverridesTheCatalog() {
        ecs.createCluster(c -> c.clusterName("strict"));
        raw.policy("PutImageRule", "{\"pattern\":\"*\",\"mode\":\"consistent\"}");

        JsonNode first = deploy("strict", "first");
        {
            JsonNode c = container(first, "app");
            assertThat(c.path("versionConsistency").asText()).isEqualTo("consistent");
            assertThat(c.path("decidedBy").asText()).isEqualTo("account-rule");
            assertThat(c.path("rule").asText()).isEqualTo("*");
            assertThat(c.path("resolutionMode").asText()).isEqualTo("resolved");
            assertThat(c.path("imageDigest").asText()).isEqualTo(app.toString());
        }
        {
            JsonNode c = container(first, "datadog");
            assertThat(c.path("versionConsistency").asText()).isEqualTo("disabled");
            assertThat(c.path("decidedBy").asText()).isEqualTo("managed-catalog");
            assertThat(c.path("rule").asText()).isEqualTo("docker.io/datadog/agent:*");
            assertThat(c.path("resolutionMode").asText()).isEqualTo("skipped");
            assertThat(c.path("launchImage").asText()).isEqualTo(registry.host() + "/docker-hub/datadog/agent:7");
        }
        assertThat(events("strict", "first"))
                .anySatisfy(e -> assertThat(e)
                        .contains("container datadog")
                        .contains("is recognised as a mirror of docker.io/datadog/agent:* (Datadog agent)"));

        raw.policy("PutImageRule", "{\"pattern\":\"docker.io/datadog/agent:*\",\"mode\":\"consistent\"}");
        try {
            JsonNode second = deploy("strict", "second");
            {
                JsonNode c = container(second, "datadog");
                assertThat(c.path("versionConsistency").asText()).isEqualTo("consistent");
                assertThat(c.path("decidedBy").asText()).isEqualTo("account-rule");
                assertThat(c.path("rule").asText()).isEqualTo("docker.io/datadog/agent:*");
                assertThat(c.path("resolutionMode").asText()).isEqualTo("resolved");
                assertThat(c.path("imageDigest").asText()).isEqualTo(agent.toString());
            }
            assertThat(container(second, "app").path("imageDigest").asText()).isEqualTo(app.toString());
        } finally {
            raw.policy("DeleteImageRule", "{\"pattern\":\"docker.io/datadog/agent:*\"}");
            raw.policy("DeleteImageRule", "{\"pattern\":\"*\"}");
        }
    }

    @Test
    void aClusterSettingDisabledThatUnpinsSaysSo() {
        ecs.createCluster(c -> c.clusterName("quiet")
                .settings(s -> s.name("versionConsistency").value("disabled")));
        ecs.putAccountSettingDefault(s -> s.name("versionConsistency").value("consistent"));
        try {
            JsonNode rev = deploy("quiet", "unpinned");
            {
                JsonNode c = container(rev, "app");
                assertThat(c.path("decidedBy").asText()).isEqualTo("cluster-setting");
                assertThat(c.path("resolutionMode").asText()).isEqualTo("skipped");
            }
            String note =
                    "The cluster setting versionConsistency=disabled un-pins this container: without it the account "
                            + "setting (consistent) would resolve its image to a digest.";
            assertThat(events("quiet", "unpinned"))
                    .anySatisfy(e -> assertThat(e).contains("container app").endsWith(note));

            JsonNode explain = raw.policy("ExplainPolicy", "{\"cluster\":\"quiet\",\"taskDefinition\":\"shop\"}");
            assertThat(explain.path("containers")).anySatisfy(c -> {
                assertThat(c.path("containerName").asText()).isEqualTo("app");
                assertThat(c.path("decidedBy").asText()).isEqualTo("cluster-setting");
                assertThat(c.path("note").asText())
                        .isEqualTo(note.substring(0, 1).toLowerCase() + note.substring(1, note.length() - 1));
            });
        } finally {
            ecs.deleteAccountSetting(s -> s.name("versionConsistency"));
        }
    }

    /** Creates the service with desiredCount 0 (it is resolved all the same) and returns its revision. */
    private JsonNode deploy(String cluster, String name) {
        ecs.createService(
                s -> s.cluster(cluster).serviceName(name).taskDefinition("shop").desiredCount(0));
        Eventually.await(
                "resolution of " + name,
                Duration.ofSeconds(30),
                () -> revision(cluster, name).path("resolutionState").asText().equals("RESOLVED"));
        return revision(cluster, name);
    }

    private JsonNode revision(String cluster, String service) {
        String arn =
                service(ecs, cluster, service).currentServiceRevisions().get(0).arn();
        return raw.ecs("DescribeServiceRevisions", "{\"serviceRevisionArns\":[\"" + arn + "\"]}")
                .path("serviceRevisions")
                .get(0);
    }

    private static JsonNode container(JsonNode revision, String name) {
        for (JsonNode c : revision.path("containerImages")) {
            if (c.path("containerName").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no container " + name + " in " + revision);
    }

    private List<String> events(String cluster, String name) {
        return service(ecs, cluster, name).events().stream()
                .map(ServiceEvent::message)
                .toList();
    }
}
