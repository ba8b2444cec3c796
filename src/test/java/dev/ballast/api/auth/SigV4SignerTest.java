package dev.ballast.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The signer's requests verify with {@link SigV4Verifier}, and tampering breaks them. */
class SigV4SignerTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final URI ENDPOINT = URI.create("http://127.0.0.1:8460/");
    private final SigV4Verifier verifier = new SigV4Verifier(CredentialStore.developmentPair(), CLOCK, "ecs");
    private final SigV4Signer signer = new SigV4Signer("test", "test", "eu-west-1", "ecs", CLOCK);

    private Map<String, List<String>> wire(Map<String, String> sent) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        sent.forEach((k, v) -> h.put(k, List.of(v)));
        h.put("Host", List.of("127.0.0.1:8460"));
        return h;
    }

    @Test
    void signed_requests_verify() {
        byte[] body = "{\"pattern\":\"*/datadog/agent:*\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> sent = signer.sign(
                "POST",
                ENDPOINT,
                Map.of(
                        "Content-Type",
                        "application/x-amz-json-1.1",
                        "X-Amz-Target",
                        "BallastPolicy_20261128.PutImageRule"),
                body);
        assertThat(sent)
                .containsKeys("X-Amz-Date", "Authorization", "X-Amz-Target")
                .doesNotContainKey("host");
        assertThat(sent.get("Authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=test/20260301/eu-west-1/ecs/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=");
        assertThat(verifier.verify("POST", "/", null, wire(sent), body))
                .isEqualTo(new Verification.Accepted("test", "eu-west-1"));
    }

    @Test
    void a_changed_body_or_header_is_refused() {
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> sent = new LinkedHashMap<>(
                signer.sign("POST", ENDPOINT, Map.of("X-Amz-Target", "BallastPolicy_20261128.ListImageRules"), body));
        assertThat(verifier.verify("POST", "/", null, wire(sent), "{ }".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(Verification.Rejected.class);
        sent.put("X-Amz-Target", "BallastPolicy_20261128.DeleteImageRule");
        assertThat(verifier.verify("POST", "/", null, wire(sent), body)).isInstanceOf(Verification.Rejected.class);
        SigV4Signer wrong = new SigV4Signer("test", "nope", "us-east-1", "ecs", CLOCK);
        assertThat(verifier.verify("POST", "/", null, wire(wrong.sign("POST", ENDPOINT, Map.of(), body)), body))
                .isInstanceOf(Verification.Rejected.class);
    }
}
