package dev.ballast.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.api.auth.Verification.Accepted;
import dev.ballast.api.auth.Verification.Rejected;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Requests signed by the AWS SDK v2 signer (the oracle), verified as-is and after tampering. */
class SigV4VerifierTest {

    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    static final String AKID = "AKIDTEST";
    static final String SECRET = "s3cr3t/Key+EXAMPLE";
    static final String TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN==";
    static final String MISMATCH = "The request signature we calculated does not match the signature you provided. "
            + "Check your AWS Secret Access Key and signing method.";

    static final CredentialStore STORE =
            CredentialStore.of(Credential.of(AKID, SECRET), Credential.temporary("ASIATEMP", "temp-secret", TOKEN));

    static SigV4Verifier verifierAt(Instant now) {
        return new SigV4Verifier(STORE, Clock.fixed(now, ZoneOffset.UTC), "ecs");
    }

    static final SigV4Verifier VERIFIER = verifierAt(NOW);

    static OracleSigner cli() {
        return OracleSigner.cliStyle(NOW, "ListClusters")
                .credentials(AKID, SECRET)
                .body("{\"maxResults\":10}");
    }

    static OracleSigner sdk() {
        return OracleSigner.sdkStyle(NOW, "ListClusters")
                .credentials(AKID, SECRET)
                .body("{\"maxResults\":10}")
                .header("Content-Length", "17");
    }

    static WireRequest cliRequest() {
        return cli().sign();
    }

    // ---- accepted -------------------------------------------------------------------------------------

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("AWS CLI header set", cli()),
                Arguments.of("Java SDK header set", sdk()),
                Arguments.of(
                        "Java SDK signer, 1 KB body",
                        sdk().body("y".repeat(1024)).header("Content-Length", "1024")),
                Arguments.of(
                        "Java SDK signer, session credentials",
                        sdk().credentials("ASIATEMP", "temp-secret").sessionToken(TOKEN)),
                Arguments.of(
                        "Java SDK signer, GET with query",
                        sdk().method("GET")
                                .body("")
                                .header("Content-Length", "0")
                                .query("b", "2")
                                .query("a", "1", "0")
                                .query("flag", "")),
                Arguments.of("empty body", cli().body("")),
                Arguments.of("1 KB body", cli().body("x".repeat(1024))),
                Arguments.of("other region", cli().region("eu-west-3")),
                Arguments.of(
                        "GET with query",
                        cli().method("GET")
                                .body("")
                                .query("b", "2")
                                .query("a", "1", "0")
                                .query("flag", "")),
                Arguments.of(
                        "query needing encoding", cli().query("x", "a b/c~d").query("ü", "é&=")),
                Arguments.of("encoded path", cli().path("/a%20b/%C3%BC/c")),
                Arguments.of("path with dot segments", cli().path("/a/./b/../c")),
                Arguments.of("header with inner runs of spaces", cli().header("X-Amz-Meta", "  a   b \t c  ")),
                Arguments.of("repeated header", cli().header("X-Amz-Meta", "one", "two")),
                Arguments.of("non-ASCII body", cli().body("{\"cluster\":\"ünïcödé\"}")),
                Arguments.of(
                        "session credentials",
                        cli().credentials("ASIATEMP", "temp-secret").sessionToken(TOKEN)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void accepted(String name, OracleSigner signer) {
        WireRequest request = signer.sign();

        Verification result = request.verifyWith(VERIFIER);

        String expectedKey = request.header("Authorization").contains("ASIATEMP") ? "ASIATEMP" : AKID;
        String expectedRegion = request.header("Authorization").split("/")[2];
        assertThat(result).as(request.toString()).isEqualTo(new Accepted(expectedKey, expectedRegion));
    }

    @Test
    void signedHeaderSetsAreTheClientsOwn() {
        assertThat(signedHeaders(cliRequest())).isEqualTo("content-type;host;x-amz-date;x-amz-target");
        assertThat(signedHeaders(sdk().sign()))
                .isEqualTo("amz-sdk-invocation-id;amz-sdk-request;content-length;"
                        + "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target");
    }

    @Test
    void headerNamesInAnyCase() {
        WireRequest request = cliRequest();

        assertThat(request.withHeaderNames(n -> n.toUpperCase(Locale.ROOT)).verifyWith(VERIFIER))
                .isInstanceOf(Accepted.class);
        assertThat(request.withHeaderNames(n -> n.toLowerCase(Locale.ROOT)).verifyWith(VERIFIER))
                .isInstanceOf(Accepted.class);
    }

    @Test
    void unsignedHeadersMayChange() {
        WireRequest request =
                cliRequest().withHeader("User-Agent", "curl/8.0").withHeader("X-Forwarded-For", "10.0.0.1");

        assertThat(request.verifyWith(VERIFIER)).isInstanceOf(Accepted.class);
    }

    @Test
    void skewOfExactlyFifteenMinutesIsAccepted() {
        WireRequest request = cliRequest();

        assertThat(request.verifyWith(verifierAt(NOW.plus(Duration.ofMinutes(15)))))
                .isInstanceOf(Accepted.class);
        assertThat(request.verifyWith(verifierAt(NOW.minus(Duration.ofMinutes(15)))))
                .isInstanceOf(Accepted.class);
    }

    @Test
    void dateHeaderMayReplaceXAmzDate() {
        WireRequest request = OracleSigner.cliStyle(NOW, "ListClusters")
                .credentials(AKID, SECRET)
                .header("Date", "Thu, 01 Jan 2026 12:00:00 GMT")
                .sign();
        // The SDK always adds X-Amz-Date; a client relying on Date alone signs the same string to sign.
        WireRequest dateOnly = resign(request.withoutHeader("X-Amz-Date"), "content-type;date;host;x-amz-target");

        assertThat(dateOnly.verifyWith(VERIFIER)).isInstanceOf(Accepted.class);
    }

    /** Re-signs {@code request} with our own primitives for a header set the SDK cannot produce. */
    static WireRequest resign(WireRequest request, String signedHeaders) {
        CredentialScope scope = new CredentialScope("20260101", "us-east-1", "ecs");
        List<String> names = List.of(signedHeaders.split(";"));
        Map<String, List<String>> lower = new HashMap<>();
        request.headers().forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        String canonical = CanonicalRequest.build(
                request.method(),
                request.rawPath(),
                request.rawQuery(),
                lower,
                names,
                Hashing.sha256Hex(request.body()));
        String sts = StringToSign.build("20260101T120000Z", scope, canonical);
        byte[] key = new SigningKeys(1).signingKey(SECRET, scope);
        String signature = HexFormat.of().formatHex(Hashing.hmacSha256(key, sts));
        return request.withHeader(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=" + AKID + "/" + scope + ", SignedHeaders=" + signedHeaders
                        + ", Signature=" + signature);
    }

    // ---- rejected -------------------------------------------------------------------------------------

    static Stream<Arguments> rejected() {
        WireRequest cli = cliRequest();
        String sig = signatureOf(cli);
        return Stream.of(
                // tampering and keys
                rejection("tampered body", cli.withBody("{\"maxResults\":11}"), "InvalidSignatureException"),
                rejection(
                        "tampered body, Java SDK signer",
                        sdk().sign().withBody("{\"maxResults\":11}"),
                        "InvalidSignatureException"),
                rejection(
                        "tampered signed header",
                        cli.withHeader("X-Amz-Target", OracleSigner.TARGET_PREFIX + "DeleteCluster"),
                        "InvalidSignatureException"),
                rejection("tampered host", cli.withHeader("Host", "evil.example:8080"), "InvalidSignatureException"),
                rejection(
                        "tampered method",
                        new WireRequest("PUT", cli.rawPath(), cli.rawQuery(), cli.headers(), cli.body()),
                        "InvalidSignatureException"),
                rejection(
                        "tampered path",
                        new WireRequest("POST", "/other", null, cli.headers(), cli.body()),
                        "InvalidSignatureException"),
                rejection("added query", cli.withQuery("a=1"), "InvalidSignatureException"),
                rejection(
                        "wrong secret",
                        cli().credentials(AKID, "not-the-secret").sign(),
                        "InvalidSignatureException"),
                rejection(
                        "unknown access key",
                        cli().credentials("AKIDUNKNOWN", SECRET).sign(),
                        "UnrecognizedClientException"),
                rejection(
                        "missing Authorization",
                        cli.withoutHeader("Authorization"),
                        "MissingAuthenticationTokenException"),
                rejection(
                        "presigned query, no header",
                        cli.withoutHeader("Authorization")
                                .withQuery("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=" + sig),
                        "IncompleteSignatureException"),
                rejection(
                        "two Authorization values",
                        cli.withHeader("Authorization", cli.header("Authorization"), cli.header("Authorization")),
                        "IncompleteSignatureException"),
                // time
                rejection(
                        "stale by 20 minutes",
                        cli().at(NOW.minus(Duration.ofMinutes(20))).sign(),
                        "InvalidSignatureException"),
                rejection(
                        "16 minutes in the future",
                        cli().at(NOW.plus(Duration.ofMinutes(16))).sign(),
                        "InvalidSignatureException"),
                rejection("missing X-Amz-Date", cli.withoutHeader("X-Amz-Date"), "IncompleteSignatureException"),
                rejection(
                        "X-Amz-Date not signed",
                        cli.editAuthorization(a -> a.replace(";x-amz-date", "")),
                        "IncompleteSignatureException"),
                rejection(
                        "no date header at all",
                        cli.withoutHeader("X-Amz-Date").editAuthorization(a -> a.replace(";x-amz-date", "")),
                        "IncompleteSignatureException"),
                rejection(
                        "X-Amz-Date not basic ISO 8601",
                        cli.withHeader("X-Amz-Date", "2026-01-01T12:00:00Z"),
                        "IncompleteSignatureException"),
                // scope
                rejection("wrong service", cli().service("sts").sign(), "InvalidSignatureException"),
                rejection(
                        "scope date differs from X-Amz-Date",
                        cli.editAuthorization(a -> a.replace("/20260101/", "/20251231/")),
                        "InvalidSignatureException"),
                rejection(
                        "host not signed",
                        cli.editAuthorization(a -> a.replace(";host", "")),
                        "IncompleteSignatureException"),
                rejection(
                        "signed header absent from request",
                        cli.withoutHeader("X-Amz-Target"),
                        "IncompleteSignatureException"),
                // payload hash
                rejection(
                        "x-amz-content-sha256 of another body",
                        cli.withHeader("x-amz-content-sha256", Hashing.sha256Hex("{}")),
                        "InvalidSignatureException"),
                rejection("UNSIGNED-PAYLOAD", sdk().unsignedPayload().sign(), "InvalidSignatureException"),
                // session tokens
                rejection(
                        "wrong session token",
                        cli().credentials("ASIATEMP", "temp-secret")
                                .sessionToken("not-the-token")
                                .sign(),
                        "UnrecognizedClientException"),
                rejection(
                        "temporary key without its token",
                        cli().credentials("ASIATEMP", "temp-secret").sign(),
                        "UnrecognizedClientException"),
                rejection(
                        "long-term key with a token", cli().sessionToken(TOKEN).sign(), "UnrecognizedClientException"),
                rejection(
                        "session token not signed",
                        cli().credentials("ASIATEMP", "temp-secret")
                                .sessionToken(TOKEN)
                                .sign()
                                .editAuthorization(a -> a.replace(";x-amz-security-token", "")),
                        "IncompleteSignatureException"));
    }

    static Stream<Arguments> malformedAuthorization() {
        WireRequest cli = cliRequest();
        String auth = cli.header("Authorization");
        String sig = signatureOf(cli);
        String scope = AKID + "/20260101/us-east-1/ecs/aws4_request";
        String headers = "content-type;host;x-amz-date;x-amz-target";
        return Stream.of(
                malformed("empty value", cli, ""),
                malformed("algorithm only", cli, "AWS4-HMAC-SHA256"),
                malformed("SigV2 style", cli, "AWS " + AKID + ":c2lnbmF0dXJl"),
                malformed("other algorithm", cli, auth.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256")),
                malformed(
                        "missing Credential", cli, "AWS4-HMAC-SHA256 SignedHeaders=" + headers + ", Signature=" + sig),
                malformed("missing SignedHeaders", cli, "AWS4-HMAC-SHA256 Credential=" + scope + ", Signature=" + sig),
                malformed(
                        "missing Signature",
                        cli,
                        "AWS4-HMAC-SHA256 Credential=" + scope + ", SignedHeaders=" + headers),
                malformed("empty Signature", cli, auth.replace(sig, "")),
                malformed("Signature not hex", cli, auth.replace(sig, "z".repeat(64))),
                malformed("Signature too short", cli, auth.replace(sig, sig.substring(2))),
                malformed("Credential with four parts", cli, auth.replace("/ecs/aws4_request", "/ecs")),
                malformed("wrong terminator", cli, auth.replace("aws4_request", "aws5_request")),
                malformed("scope date not YYYYMMDD", cli, auth.replace("/20260101/", "/2026-01-01/")),
                malformed("empty region", cli, auth.replace("/us-east-1/", "//")),
                malformed("empty access key id", cli, auth.replace("Credential=" + AKID, "Credential=")),
                malformed("empty name in SignedHeaders", cli, auth.replace(";host;", ";host;;")),
                malformed("repeated component", cli, auth + ", Signature=" + sig),
                malformed("unknown component", cli, auth + ", Extra=1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"rejected", "malformedAuthorization"})
    void rejected(String name, WireRequest request, String errorType) {
        Verification result = request.verifyWith(VERIFIER);

        assertThat(result).as(request.toString()).isInstanceOfSatisfying(Rejected.class, r -> {
            assertThat(r.errorType()).isEqualTo(errorType);
            assertThat(r.httpStatus()).isEqualTo(errorType.equals("MissingAuthenticationTokenException") ? 403 : 400);
            assertThat(r.message())
                    .isNotBlank()
                    .doesNotContain(SECRET)
                    .doesNotContain("temp-secret")
                    .doesNotContain(TOKEN)
                    .doesNotContainPattern("[0-9a-fA-F]{64}");
        });
    }

    @Test
    void messagesMatchWhatAwsJsonServicesSay() {
        WireRequest cli = cliRequest();

        assertThat(message(cli.withoutHeader("Authorization"))).isEqualTo("Missing Authentication Token");
        assertThat(message(cli().credentials("AKIDUNKNOWN", SECRET).sign()))
                .isEqualTo("The security token included in the request is invalid.");
        assertThat(message(cli.withBody("{}"))).isEqualTo(MISMATCH);
        assertThat(message(sdk().credentials(AKID, "wrong").sign())).isEqualTo(MISMATCH);
        assertThat(message(cli().at(Instant.parse("2026-01-01T11:40:00Z")).sign()))
                .isEqualTo(
                        "Signature expired: 20260101T114000Z is now earlier than 20260101T114500Z (20260101T120000Z - 15 min.)");
        assertThat(message(cli().at(Instant.parse("2026-01-01T12:16:00Z")).sign()))
                .isEqualTo("Signature not yet current: 20260101T121600Z is still later than 20260101T121500Z "
                        + "(20260101T120000Z + 15 min.)");
        assertThat(message(cli().service("sts").sign()))
                .isEqualTo("Credential should be scoped to correct service: 'ecs'.");
        assertThat(message(sdk().sign().withBody("{}")))
                .contains("X-Amz-Content-SHA256")
                .contains("does not match");
        assertThat(message(sdk().unsignedPayload().sign()))
                .contains("UNSIGNED-PAYLOAD")
                .contains("not accepted");
    }

    @Test
    void incompleteSignatureMessagesNameTheProblem() {
        WireRequest cli = cliRequest();
        String sig = signatureOf(cli);

        assertThat(message(cli.editAuthorization(a -> "AWS4-HMAC-SHA256 Signature=" + sig)))
                .contains("'Credential'")
                .contains("'SignedHeaders'")
                .doesNotContain("'Signature'");
        assertThat(message(cli.editAuthorization(a -> a.replace(";host", "")))).contains("'Host'");
        assertThat(message(cli.withoutHeader("X-Amz-Date").editAuthorization(a -> a.replace(";x-amz-date", ""))))
                .contains("X-Amz-Date");
        assertThat(message(cli.editAuthorization(a -> a.replace("aws4_request", "aws5_request"))))
                .contains("terminator");
        assertThat(message(cli.withoutHeader("X-Amz-Target"))).contains("x-amz-target");
    }

    @Test
    void signingKeysAreDerivedOncePerSecretDateRegionAndService() {
        SigV4Verifier verifier = verifierAt(NOW);
        for (int i = 0; i < 5; i++) {
            assertThat(cli().body("{\"i\":" + i + "}").sign().verifyWith(verifier))
                    .isInstanceOf(Accepted.class);
        }
        assertThat(verifier.cachedSigningKeys()).isEqualTo(1);

        assertThat(cli().region("eu-west-1").sign().verifyWith(verifier)).isInstanceOf(Accepted.class);
        assertThat(verifier.cachedSigningKeys()).isEqualTo(2);

        // A wrong client secret is checked against the stored secret's key, which is already cached.
        assertThat(cli().credentials(AKID, "wrong").sign().verifyWith(verifier)).isInstanceOf(Rejected.class);
        assertThat(verifier.cachedSigningKeys()).isEqualTo(2);
    }

    @Test
    void signingKeyCacheIsBounded() {
        SigningKeys keys = new SigningKeys(2);
        for (int day = 1; day <= 9; day++) {
            keys.signingKey(SECRET, new CredentialScope("2026010" + day, "us-east-1", "ecs"));
        }
        assertThat(keys.size()).isLessThanOrEqualTo(2);
        CredentialScope scope = new CredentialScope("20260101", "us-east-1", "ecs");
        assertThat(keys.signingKey(SECRET, scope)).isEqualTo(new SigningKeys(1).signingKey(SECRET, scope));
    }

    // ---- helpers --------------------------------------------------------------------------------------

    static Arguments rejection(String name, WireRequest request, String errorType) {
        return Arguments.of(name, request, errorType);
    }

    static Arguments malformed(String name, WireRequest request, String authorization) {
        return Arguments.of(
                "malformed Authorization: " + name,
                request.withHeader("Authorization", authorization),
                "IncompleteSignatureException");
    }

    static String message(WireRequest request) {
        return ((Rejected) request.verifyWith(VERIFIER)).message();
    }

    static String signedHeaders(WireRequest request) {
        return field(request, "SignedHeaders=");
    }

    static String signatureOf(WireRequest request) {
        return field(request, "Signature=");
    }

    private static String field(WireRequest request, String prefix) {
        String auth = request.header("Authorization");
        int start = auth.indexOf(prefix) + prefix.length();
        int end = auth.indexOf(',', start);
        return auth.substring(start, end < 0 ? auth.length() : end);
    }
}
