package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.SignedJson;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Every layer of the version-consistency policy decides at least once in a real deployment, and the
 * deciding layer recorded in the deployment's resolution record (DescribeServiceRevisions extension
 * fields) is the right one. Rule and setting changes apply at the next deployment only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PolicyLayersIT {
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private SignedJson raw;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        ecs = server.client();
        raw = new SignedJson(server.endpoint());
        for (String repo : List.of("own", "cr", "ar", "plain")) {
            registry.images().push("demo/" + repo + ":v1", TestImages.Format.OCI, repo);
        }
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    record Row(String container, String mode, String decidedBy, String resolutionMode) {}

    /** Deploys a service of the table's task definition in the cluster and returns each container's record. */
    private List<Row> deploy(String cluster, String service) {
        String r = registry.host();
        ecs.registerTaskDefinition(t -> t.family("layers")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("own")
                                .image(r + "/demo/own:v1")
                                .memory(8)
                                .versionConsistency("consistent")
                                .build(),
                        ContainerDefinition.builder()
                                .name("cr")
                                .image(r + "/demo/cr:v1")
                                .memory(8)
                                .build(),
                        ContainerDefinition.builder()
                                .name("ar")
                                .image(r + "/demo/ar:v1")
                                .memory(8)
                                .build(),
                        ContainerDefinition.builder()
                                .name("xray")
                                .image("public.ecr.aws/xray/aws-xray-daemon:3.x")
                                .memory(8)
                                .essential(false)
                                .build(),
                        ContainerDefinition.builder()
                                .name("plain")
                                .image(r + "/demo/plain:v1")
                                .memory(8)
                                .build()));
        ecs.createService(s ->
                s.cluster(cluster).serviceName(service).taskDefinition("layers").desiredCount(0));
        Eventually.await(
                "resolution of " + service,
                Duration.ofSeconds(30),
                () -> revision(cluster, service)
                        .path("resolutionState")
                        .asText()
                        .equals("RESOLVED"));
        List<Row> rows = new ArrayList<>();
        for (JsonNode ci : revision(cluster, service).path("containerImages")) {
            rows.add(new Row(
                    ci.path("containerName").asText(),
                    ci.path("versionConsistency").asText(),
                    ci.path("decidedBy").asText(),
                    ci.path("resolutionMode").asText()));
        }
        return rows;
    }

    private JsonNode revision(String cluster, String service) {
        String arn =
                service(ecs, cluster, service).currentServiceRevisions().get(0).arn();
        return raw.ecs("DescribeServiceRevisions", "{\"serviceRevisionArns\":[\"" + arn + "\"]}")
                .path("serviceRevisions")
                .get(0);
    }

    private static String decided(List<Row> rows, String container) {
        return rows.stream()
                .filter(r -> r.container().equals(container))
                .findFirst()
                .orElseThrow()
                .decidedBy();
    }

    @Test
    void everyLayerDecidesAndIsRecorded() {
        ecs.createCluster(c -> c.clusterName("rules"));
        ecs.createCluster(c -> c.clusterName("set-disabled")
                .settings(s -> s.name("versionConsistency").value("disabled")));
        raw.policy("PutImageRule", "{\"cluster\":\"rules\",\"pattern\":\"*/demo/cr:*\",\"mode\":\"disabled\"}");
        raw.policy("PutImageRule", "{\"pattern\":\"*/demo/ar:*\",\"mode\":\"consistent\"}");

        List<Row> rules = deploy("rules", "first");
        assertThat(decided(rules, "own")).isEqualTo("container");
        assertThat(decided(rules, "cr")).isEqualTo("cluster-rule");
        assertThat(decided(rules, "ar")).isEqualTo("account-rule");
        assertThat(decided(rules, "xray")).isEqualTo("managed-catalog");
        assertThat(decided(rules, "plain")).isEqualTo("system-default");
        assertThat(rules)
                .filteredOn(r -> r.container().equals("cr"))
                .singleElement()
                .satisfies(r -> assertThat(r.resolutionMode()).isEqualTo("skipped"));
        assertThat(rules)
                .filteredOn(r -> r.container().equals("plain"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.mode()).isEqualTo("best-effort");
                    assertThat(r.resolutionMode()).isEqualTo("resolved");
                });

        List<Row> clusterSetting = deploy("set-disabled", "second");
        assertThat(decided(clusterSetting, "plain")).isEqualTo("cluster-setting");
        assertThat(decided(clusterSetting, "own")).isEqualTo("container");

        ecs.putAccountSettingDefault(s -> s.name("versionConsistency").value("disabled"));
        try {
            assertThat(decided(revisionRows("rules", "first"), "plain"))
                    .as("settings apply at the next deployment only")
                    .isEqualTo("system-default");
            List<Row> account = deploy("rules", "third");
            assertThat(decided(account, "plain")).isEqualTo("account-setting");
            assertThat(account)
                    .filteredOn(r -> r.container().equals("plain"))
                    .singleElement()
                    .satisfies(r -> assertThat(r.resolutionMode()).isEqualTo("skipped"));
        } finally {
            ecs.deleteAccountSetting(s -> s.name("versionConsistency"));
        }
    }

    private List<Row> revisionRows(String cluster, String service) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode ci : revision(cluster, service).path("containerImages")) {
            rows.add(new Row(
                    ci.path("containerName").asText(),
                    ci.path("versionConsistency").asText(),
                    ci.path("decidedBy").asText(),
                    ci.path("resolutionMode").asText()));
        }
        return rows;
    }
}
