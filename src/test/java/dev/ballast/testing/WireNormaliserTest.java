package dev.ballast.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** {@link WireNormaliser} keeps identities and everything else; {@link GoldenFiles#differences} names the paths. */
class WireNormaliserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TASK = "0123456789abcdef0123456789abcdef";
    private static final String OTHER = "fedcba9876543210fedcba9876543210";
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void idsAreNumberedByFirstAppearanceAndTheSameIdKeepsItsPlaceholder() throws Exception {
        JsonNode in = JSON.readTree("""
                {"taskArn": "arn:aws:ecs:us-east-1:123456789012:task/default/%1$s",
                 "containers": [{"containerArn": "arn:aws:ecs:us-east-1:123456789012:container/default/%1$s/1a2b3c4d-app",
                                 "image": "127.0.0.1:5123/demo/app:v1", "imageDigest": "%3$s", "exitCode": 0}],
                 "message": "(service s) has started 2 tasks: (task %2$s) (task %1$s).",
                 "startedBy": "ecs-svc/1234567890123456789", "createdAt": 1764979200.123, "startedAt": null,
                 "id": "5f0c6a1e-8f5e-4c8e-9a49-0b4c1e0d2f11", "runtimeId": "%4$s", "version": 3}
                """.formatted(TASK, OTHER, DIGEST, "cd".repeat(32)));
        JsonNode out = new WireNormaliser()
                .literal("127.0.0.1:5123", "<registry>")
                .name(DIGEST, "digest:app")
                .normalise(in);
        assertThat(out.path("taskArn").asText())
                .isEqualTo("arn:aws:ecs:us-east-1:123456789012:task/default/<task-id-1>");
        assertThat(out.path("containers").get(0).path("containerArn").asText())
                .isEqualTo("arn:aws:ecs:us-east-1:123456789012:container/default/<task-id-1>/<container-id-1>-app");
        assertThat(out.path("containers").get(0).path("image").asText()).isEqualTo("<registry>/demo/app:v1");
        assertThat(out.path("containers").get(0).path("imageDigest").asText()).isEqualTo("<digest:app>");
        assertThat(out.path("containers").get(0).path("exitCode").asInt()).isZero();
        assertThat(out.path("message").asText())
                .isEqualTo("(service s) has started 2 tasks: (task <task-id-2>) (task <task-id-1>).");
        assertThat(out.path("startedBy").asText()).isEqualTo("ecs-svc/<deployment-id-1>");
        assertThat(out.path("createdAt").asText()).isEqualTo("<time>");
        assertThat(out.path("startedAt").isNull()).as("a null stays null").isTrue();
        assertThat(out.path("id").asText()).isEqualTo("<uuid-1>");
        assertThat(out.path("runtimeId").asText()).isEqualTo("<runtime-id-1>");
        assertThat(out.path("version").asInt()).isEqualTo(3);
    }

    @Test
    void differencesNameEachPathAndIgnoreMemberOrderButNotArrayOrder() throws Exception {
        JsonNode expected = JSON.readTree("{\"a\": 1, \"b\": [\"x\", \"y\"], \"c\": {\"d\": null}}");
        assertThat(GoldenFiles.differences(
                        expected, JSON.readTree("{\"c\": {\"d\": null}, \"b\": [\"x\", \"y\"], \"a\": 1}")))
                .isEmpty();
        assertThat(GoldenFiles.differences(
                        expected, JSON.readTree("{\"a\": 2, \"b\": [\"y\", \"x\"], \"c\": {}, \"e\": true}")))
                .containsExactly(
                        "$.a: expected 1, got 2",
                        "$.b[0]: expected \"x\", got \"y\"",
                        "$.b[1]: expected \"y\", got \"x\"",
                        "$.c.d: missing (expected null)",
                        "$.e: unexpected true");
    }
}
