package dev.ballast.cli;

import static dev.ballast.cli.AuditCorpus.ballast;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.image.Digest;
import dev.ballast.store.MissingImage;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.VersionConsistency;

/**
 * {@code ballast audit} against the real things: the corpus with a CNCF registry (a digest pushed, referenced and
 * deleted; a tag that does not exist; a registry port nobody listens on), and {@code --live} against a running
 * server whose task definitions the AWS SDK registered.
 */
class AuditIT {
    static RegistryFixture registry;
    static Digest present;
    static Digest deleted;
    static TestServer server;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        registry = RegistryFixture.start();
        present = registry.images().push("demo/app:1.0.0", Format.OCI, "audit-app");
        deleted = registry.images().push("demo/billing:1.0.0", Format.OCI, "audit-billing");
        registry.images().delete("demo/billing", deleted);
        registry.images().push("acme/shop:latest", Format.OCI, "shop-latest");
        registry.images().push("acme/shop:stable", Format.OCI, "shop-stable");
        registry.images().push("mirror/amazon/aws-for-fluent-bit:stable", Format.OCI, "fluent-bit");
        registry.images().push("mirror/envoyproxy/envoy:v1.29-latest", Format.DOCKER, "envoy");
        server = TestServer.sqlite();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        registry.close();
    }

    private static List<String> args(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of("--docker-config", tmp.resolve("no-docker-config.json").toString()));
        return all;
    }

    @Test
    void the_corpus_against_a_real_registry_gives_the_expected_findings() {
        Path corpus = tmp.resolve("corpus");
        int closedPort = RegistryFixture.freePort();
        AuditCorpus.materialise(
                corpus,
                Map.of(
                        "REGISTRY", registry.host(),
                        "DELETED_DIGEST", deleted.toString(),
                        "PRESENT_DIGEST", present.toString(),
                        "UNREACHABLE", "127.0.0.1:" + closedPort));
        String rules = AuditCorpus.rules().toString();

        AuditCorpus.Run offline =
                ballast(args("audit", "--offline", "--rules", rules, "--output", "json", corpus.toString()));
        AuditCorpus.Run online = ballast(args(
                "audit",
                "--rules",
                rules,
                "--output",
                "json",
                corpus.resolve("registry").toString()));

        assertThat(online.err()).isEmpty();
        List<String> offlineLines = AuditCorpus.actual(offline.json(), corpus);
        assertThat(offlineLines.stream().filter(l -> !l.startsWith("registry/")))
                .as("a directory is searched recursively, in sorted order")
                .containsExactlyElementsOf(AuditCorpus.expected(false));
        assertThat(offlineLines.stream().filter(l -> l.startsWith("registry/")))
                .as("offline: no registry findings")
                .allSatisfy(l -> assertThat(l).endsWith("\t-"));
        assertThat(AuditCorpus.actual(online.json(), corpus)).containsExactlyElementsOf(AuditCorpus.expected(true));
        assertThat(online.exit())
                .as("pinned-digest-missing and tag-not-found are errors")
                .isEqualTo(1);

        JsonNode missing = findings(online.json()).stream()
                .filter(f -> f.path("ruleId").asText().equals("pinned-digest-missing"))
                .findFirst()
                .orElseThrow();
        assertThat(missing.path("message").asText())
                .isEqualTo("container billing (" + registry.host() + "/demo/billing@" + deleted + "): registry "
                        + registry.host() + " no longer has digest " + deleted + " (MANIFEST_UNKNOWN)");

        AuditCorpus.Run sarif = ballast(args(
                "audit",
                "--rules",
                rules,
                "--output",
                "sarif",
                "--fail-on",
                "none",
                corpus.resolve("registry").toString()));
        assertThat(sarif.exit()).isZero();
        assertThat(AuditCorpus.sarifViolations(sarif.out())).isEmpty();
        assertThat(sarif.json().path("runs").get(0).path("results"))
                .extracting(
                        r -> r.path("ruleId").asText() + " " + r.path("level").asText())
                .containsExactlyInAnyOrder(
                        "pinned-digest-missing error", "tag-not-found error", "registry-unreachable warning");
    }

    private static List<JsonNode> findings(JsonNode report) {
        return StreamSupport.stream(report.path("taskDefinitions").spliterator(), false)
                .flatMap(t -> StreamSupport.stream(t.path("findings").spliterator(), false))
                .toList();
    }

    private static void register(EcsClient ecs, String family, ContainerDefinition... containers) {
        ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(containers));
    }

    private static ContainerDefinition container(String name, String image, boolean essential, VersionConsistency vc) {
        return ContainerDefinition.builder()
                .name(name)
                .image(image)
                .essential(essential)
                .memory(64)
                .versionConsistency(vc)
                .build();
    }

    /** {@code family:revision container mode layer rules} per container of a live report. */
    private static List<String> lines(JsonNode report) {
        List<String> out = new ArrayList<>();
        for (JsonNode td : report.path("taskDefinitions")) {
            String arn = td.path("taskDefinitionArn").asText();
            for (JsonNode c : td.path("containers")) {
                String name = c.path("containerName").asText();
                List<String> rules = new ArrayList<>();
                td.path("findings").forEach(f -> {
                    if (f.path("containerName").asText().equals(name)) {
                        rules.add(f.path("ruleId").asText());
                    }
                });
                out.add(arn.substring(arn.lastIndexOf('/') + 1) + " " + name + " "
                        + c.path("mode").asText() + " " + c.path("decidedBy").asText() + " "
                        + (rules.isEmpty() ? "-" : String.join(",", rules)));
            }
        }
        return out;
    }

    @Test
    void live_audits_the_servers_task_definitions_with_the_servers_policy() {
        String r = registry.host();
        EcsClient ecs = server.client();
        ecs.createCluster(c -> c.clusterName("prod"));
        register(ecs, "shop", container("app", r + "/acme/shop:latest", true, null));
        register(
                ecs,
                "shop",
                container("app", r + "/acme/shop:stable", true, null),
                container("logs", r + "/mirror/amazon/aws-for-fluent-bit:stable", true, null));
        register(ecs, "billing", container("billing", r + "/demo/billing@" + deleted, true, null));
        register(
                ecs,
                "edge",
                container("app", r + "/demo/app:1.0.0", true, null),
                container("envoy", r + "/mirror/envoyproxy/envoy:v1.29-latest", true, VersionConsistency.ENABLED));
        ecs.registerTaskDefinition(
                t -> t.family("gone").containerDefinitions(container("a", r + "/demo/app:1.0.0", true, null)));
        ecs.deregisterTaskDefinition(d -> d.taskDefinition("gone:1"));
        List<String> connection =
                List.of("--endpoint", server.endpoint().toString(), "--access-key", "test", "--secret-key", "test");
        List<String> put = new ArrayList<>(List.of("policy", "put", "--cluster", "prod", "*/acme/*", "enabled"));
        put.addAll(connection);
        assertThat(ballast(put).exit()).isZero();

        List<String> account = new ArrayList<>(args("audit", "--live"));
        account.addAll(connection);
        List<String> accountJson = new ArrayList<>(account);
        accountJson.addAll(List.of("--output", "json"));
        AuditCorpus.Run run = ballast(accountJson);
        assertThat(run.err()).isEmpty();
        assertThat(lines(run.json()))
                .as("newest ACTIVE revision per family, sorted by family; the account's policy")
                .containsExactly(
                        "billing:1 billing best-effort system-default pinned-digest-missing",
                        "edge:1 app best-effort system-default -",
                        "edge:1 envoy consistent container managed-sidecar-pinned",
                        "shop:2 app best-effort system-default -",
                        "shop:2 logs disabled managed-catalog -");
        assertThat(run.exit()).isEqualTo(1);

        List<String> cluster = new ArrayList<>(account);
        cluster.addAll(List.of("--cluster", "prod", "--all-revisions", "--fail-on", "warning"));
        List<String> clusterJson = new ArrayList<>(cluster);
        clusterJson.addAll(List.of("--output", "json"));
        AuditCorpus.Run prod = ballast(clusterJson);
        assertThat(lines(prod.json()))
                .as("the cluster's rule decides; every revision")
                .containsExactly(
                        "billing:1 billing best-effort system-default pinned-digest-missing",
                        "edge:1 app best-effort system-default -",
                        "edge:1 envoy consistent container managed-sidecar-pinned",
                        "shop:1 app consistent cluster-rule latest-on-app",
                        "shop:2 app consistent cluster-rule mutable-tag-on-strict",
                        "shop:2 logs disabled managed-catalog -");
        assertThat(prod.json().path("taskDefinitions").get(0).path("cluster").asText())
                .isEqualTo(TestServer.ACCOUNT.clusterArn("prod"));

        List<String> sarifArgs = new ArrayList<>(cluster);
        sarifArgs.addAll(List.of("--output", "sarif"));
        AuditCorpus.Run sarif = ballast(sarifArgs);
        assertThat(sarif.exit()).as(sarif.err()).isEqualTo(1);
        assertThat(AuditCorpus.sarifViolations(sarif.out())).isEmpty();
        Map<String, String> located = new TreeMap<>();
        sarif.json().path("runs").get(0).path("results").forEach(res -> {
            JsonNode location = res.path("locations").get(0);
            assertThat(location.has("physicalLocation")).isFalse();
            located.put(
                    location.path("logicalLocations")
                            .get(0)
                            .path("fullyQualifiedName")
                            .asText(),
                    res.path("ruleId").asText());
        });
        assertThat(located)
                .containsEntry(TestServer.ACCOUNT.taskDefinitionArn("shop", 2) + "/app", "mutable-tag-on-strict")
                .containsEntry(TestServer.ACCOUNT.taskDefinitionArn("billing", 1) + "/billing", "pinned-digest-missing")
                .hasSize(4);

        server.server()
                .store()
                .missingImages()
                .mark(new MissingImage(registry.host(), "demo/app", present.toString(), 1_000L, "guard"));
        register(ecs, "reports", container("reports", r + "/demo/app@" + present, true, null));
        List<String> offline = new ArrayList<>(accountJson);
        offline.add("--offline");
        assertThat(lines(ballast(offline).json()))
                .as("offline: only the server's missing-image records say a digest is gone")
                .contains(
                        "billing:1 billing best-effort system-default -",
                        "reports:1 reports best-effort system-default pinned-digest-missing");
    }

    @Test
    void live_without_a_server_is_exit_2() {
        AuditCorpus.Run run = ballast(args(
                "audit",
                "--live",
                "--endpoint",
                "http://127.0.0.1:" + RegistryFixture.freePort(),
                "--access-key",
                "test",
                "--secret-key",
                "test"));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).startsWith("ballast audit: ConnectionError: cannot reach http://127.0.0.1:");
    }
}
