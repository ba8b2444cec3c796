package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.api.auth.SigV4Signer;
import dev.ballast.testing.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/** The policy extension operations through the running server, with raw SigV4-signed JSON 1.1 requests. */
class PolicyOperationsTest {
    static TestServer server;
    static EcsClient ecs;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    record Answer(int status, JsonNode body) {
        String type() {
            return body.path("__type").asText();
        }

        String message() {
            return body.path("message").asText();
        }
    }

    @BeforeAll
    static void start() {
        server = TestServer.sqlite();
        ecs = server.client();
        ecs.createCluster(r -> r.clusterName("prod"));
        ecs.createCluster(r -> r.clusterName("quiet")
                .settings(s -> s.name("versionConsistency").value("disabled")));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Answer call(String target, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new SigV4Signer("test", "test", "us-east-1", "ecs", Clock.systemUTC())
                .sign(
                        "POST",
                        server.endpoint().resolve("/"),
                        Map.of("Content-Type", "application/x-amz-json-1.1", "X-Amz-Target", target),
                        bytes);
        HttpRequest.Builder b = HttpRequest.newBuilder(server.endpoint().resolve("/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), Json.mapper().readTree(r.body()));
    }

    static Answer policy(String operation, String body) throws Exception {
        return call(PolicyOperations.TARGET_PREFIX + "." + operation, body);
    }

    @Test
    void account_rules_are_put_listed_with_the_catalog_and_deleted() throws Exception {
        Answer put = policy("PutImageRule", "{\"pattern\":\"*/acme/*\",\"mode\":\"enabled\"}");
        assertThat(put.status()).isEqualTo(200);
        assertThat(put.body().path("rule").toString())
                .isEqualTo(
                        "{\"scope\":\"account\",\"pattern\":\"*/acme/*\",\"mode\":\"enabled\",\"source\":\"account-rule\"}");
        Answer override =
                policy("PutImageRule", "{\"pattern\":\"docker.io/datadog/agent:*\",\"mode\":\"best-effort\"}");
        assertThat(override.body().path("rule").path("overridesManagedCatalog").asBoolean())
                .isTrue();
        try {
            JsonNode rules = policy("ListImageRules", "{}").body().path("rules");
            assertThat(rules.get(0).path("pattern").asText()).isEqualTo("*/acme/*");
            assertThat(rules.get(1).path("source").asText()).isEqualTo("account-rule");
            List<String> catalog = new ArrayList<>();
            for (JsonNode r : rules) {
                if (r.path("source").asText().equals("managed-catalog")) {
                    catalog.add(
                            r.path("pattern").asText() + (r.path("overridden").asBoolean() ? " (overridden)" : ""));
                    assertThat(r.path("mode").asText()).isEqualTo("disabled");
                    assertThat(r.path("sidecar").asText()).isNotEmpty();
                }
            }
            assertThat(catalog)
                    .contains(
                            "docker.io/datadog/agent:* (overridden)",
                            "public.ecr.aws/datadog/agent:*",
                            "docker.io/amazon/aws-xray-daemon:*",
                            "public.ecr.aws/aws-observability/aws-for-fluent-bit:*");
        } finally {
            assertThat(policy("DeleteImageRule", "{\"pattern\":\"*/acme/*\"}")
                            .body()
                            .path("rule")
                            .path("mode")
                            .asText())
                    .isEqualTo("enabled");
            assertThat(policy("DeleteImageRule", "{\"pattern\":\"docker.io/datadog/agent:*\"}")
                            .status())
                    .isEqualTo(200);
        }
        assertThat(policy("ListImageRules", "{}").body().path("rules"))
                .allSatisfy(r -> assertThat(r.path("source").asText()).isEqualTo("managed-catalog"));
    }

    @Test
    void cluster_rules_live_in_their_cluster_named_by_name_or_arn() throws Exception {
        String arn = TestServer.ACCOUNT.clusterArn("prod");
        assertThat(policy(
                                "PutImageRule",
                                "{\"cluster\":\"prod\",\"pattern\":\"*/datadog/agent:*\",\"mode\":\"disabled\"}")
                        .body()
                        .path("rule")
                        .path("scope")
                        .asText())
                .isEqualTo(arn);
        try {
            JsonNode rules = policy("ListImageRules", "{\"cluster\":\"" + arn + "\"}")
                    .body()
                    .path("rules");
            assertThat(rules).hasSize(1);
            assertThat(rules.get(0).path("source").asText()).isEqualTo("cluster-rule");
            assertThat(policy("ListImageRules", "{\"cluster\":\"quiet\"}")
                            .body()
                            .path("rules"))
                    .isEmpty();
        } finally {
            policy("DeleteImageRule", "{\"cluster\":\"prod\",\"pattern\":\"*/datadog/agent:*\"}");
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            PutImageRule    | {"pattern":"","mode":"disabled"}               | InvalidParameterException | 'pattern'
            PutImageRule    | {"pattern":"a b","mode":"disabled"}            | InvalidParameterException | whitespace
            PutImageRule    | {"mode":"disabled"}                            | InvalidParameterException | 'pattern'
            PutImageRule    | {"pattern":"x*","mode":"strict"}               | InvalidParameterException | 'strict'
            PutImageRule    | {"pattern":"x*"}                               | InvalidParameterException | 'mode'
            PutImageRule    | {"pattern":7,"mode":"disabled"}                | SerializationException    | 'pattern'
            PutImageRule    | {"cluster":"nope","pattern":"x*","mode":"disabled"} | ClusterNotFoundException | 'nope'
            ListImageRules  | {"cluster":"arn:aws:ecs:us-east-1:999999999999:cluster/prod"} | ClusterNotFoundException | 999999999999
            DeleteImageRule | {"pattern":"never-put"}                        | ResourceNotFoundException | 'never-put'
            DeleteImageRule | {"pattern":"docker.io/amazon/aws-xray-daemon:*"} | InvalidParameterException | managed catalog
            ExplainPolicy   | {}                                             | InvalidParameterException | 'taskDefinition'
            ExplainPolicy   | {"taskDefinition":"ghost:3"}                   | InvalidParameterException | 'ghost:3'
            """)
    void bad_input_is_refused_naming_it(String operation, String body, String type, String named) throws Exception {
        Answer a = policy(operation, body);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.type()).isEqualTo(type);
        assertThat(a.message()).contains(named);
    }

    @Test
    void patterns_longer_than_255_characters_are_refused() throws Exception {
        Answer a = policy("PutImageRule", "{\"pattern\":\"" + "a".repeat(256) + "\",\"mode\":\"disabled\"}");
        assertThat(a.type()).isEqualTo("InvalidParameterException");
        assertThat(a.message()).contains("at most 255");
    }

    @Test
    void policy_operations_answer_only_under_their_own_prefix_and_only_signed() throws Exception {
        Answer wrongPrefix = call(EcsApi.TARGET_PREFIX + ".ListImageRules", "{}");
        assertThat(wrongPrefix.type()).isEqualTo("UnknownOperationException");
        HttpResponse<String> unsigned = HTTP.send(
                HttpRequest.newBuilder(server.endpoint().resolve("/"))
                        .header("X-Amz-Target", PolicyOperations.TARGET_PREFIX + ".ListImageRules")
                        .header("Content-Type", "application/x-amz-json-1.1")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unsigned.statusCode()).isEqualTo(403);
        assertThat(unsigned.body()).contains("MissingAuthenticationTokenException");
    }

    @Test
    void explain_policy_shows_the_deciding_layer_of_each_container() throws Exception {
        ecs.registerTaskDefinition(r -> r.family("explained")
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image("registry.example.com/shop/app:v1")
                                .memory(64)
                                .versionConsistency("consistent")
                                .build(),
                        ContainerDefinition.builder()
                                .name("dd")
                                .image("datadog/agent:7")
                                .memory(64)
                                .build(),
                        ContainerDefinition.builder()
                                .name("web")
                                .image("nginx:1.27")
                                .memory(64)
                                .build(),
                        ContainerDefinition.builder()
                                .name("tool")
                                .image("ghcr.io/acme/tool:1")
                                .memory(64)
                                .build()));
        policy(
                "PutImageRule",
                "{\"cluster\":\"prod\",\"pattern\":\"docker.io/library/nginx:*\",\"mode\":\"best-effort\"}");
        try {
            Answer onProd = policy("ExplainPolicy", "{\"cluster\":\"prod\",\"taskDefinition\":\"explained\"}");
            assertThat(onProd.body().path("taskDefinitionArn").asText()).endsWith("task-definition/explained:1");
            assertThat(onProd.body().path("cluster").asText()).isEqualTo(TestServer.ACCOUNT.clusterArn("prod"));
            assertThat(rows(onProd))
                    .containsExactly(
                            "app registry.example.com/shop/app:v1 consistent container null",
                            "dd datadog/agent:7 disabled managed-catalog docker.io/datadog/agent:*",
                            "web nginx:1.27 best-effort cluster-rule docker.io/library/nginx:*",
                            "tool ghcr.io/acme/tool:1 best-effort system-default null");
            assertThat(onProd.body()
                            .path("containers")
                            .get(0)
                            .path("versionConsistency")
                            .asText())
                    .isEqualTo("consistent");
            Answer onQuiet = policy("ExplainPolicy", "{\"cluster\":\"quiet\",\"taskDefinition\":\"explained:1\"}");
            assertThat(rows(onQuiet))
                    .contains(
                            "web nginx:1.27 disabled cluster-setting null",
                            "tool ghcr.io/acme/tool:1 disabled cluster-setting null");
            ecs.putAccountSettingDefault(r -> r.name("versionConsistency").value("disabled"));
            try {
                assertThat(rows(policy("ExplainPolicy", "{\"taskDefinition\":\"explained\"}")))
                        .contains("tool ghcr.io/acme/tool:1 disabled account-setting null");
            } finally {
                ecs.deleteAccountSetting(
                        r -> r.name("versionConsistency").principalArn(TestServer.ACCOUNT.rootPrincipalArn()));
            }
        } finally {
            policy("DeleteImageRule", "{\"cluster\":\"prod\",\"pattern\":\"docker.io/library/nginx:*\"}");
        }
    }

    private static List<String> rows(Answer a) {
        List<String> out = new ArrayList<>();
        for (JsonNode c : a.body().path("containers")) {
            out.add(c.path("containerName").asText() + " " + c.path("image").asText() + " "
                    + c.path("mode").asText() + " " + c.path("decidedBy").asText() + " "
                    + c.path("rule").asText("null"));
        }
        return out;
    }
}
