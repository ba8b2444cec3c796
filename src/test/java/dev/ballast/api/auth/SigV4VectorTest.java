package dev.ballast.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/**
 * Test-suite style vectors: fixed inputs, the canonical request and string to sign written out by hand,
 * and the signature as hex. The expected signatures were produced by the AWS SDK v2 {@code Aws4Signer}
 * for these inputs; each test also re-runs that signer and checks it still agrees.
 */
class SigV4VectorTest {

    static final String AKID = "AKIDEXAMPLE";
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    static final Instant TIME = Instant.parse("2015-08-30T12:36:00Z");

    /**
     * @param host          Host header (HTTPS, default port)
     * @param headers       headers other than Host and X-Amz-Date, names as the client writes them
     * @param query         raw query parameters, unencoded (the SDK encodes them)
     * @param wireQuery     the same query as it arrives, encoded
     * @param canonical     the canonical request, by hand
     * @param stringToSign  the string to sign, by hand
     * @param signature     expected hex signature
     */
    record Vector(
            String name,
            String method,
            String host,
            String encodedPath,
            Map<String, List<String>> query,
            String wireQuery,
            Map<String, String> headers,
            String body,
            String service,
            String canonical,
            String stringToSign,
            String signature) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Vector> vectors() {
        return Stream.of(
                new Vector(
                        "ECS ListClusters, AWS CLI header set",
                        "POST",
                        "ecs.us-east-1.amazonaws.com",
                        "/",
                        Map.of(),
                        null,
                        Map.of(
                                "Content-Type",
                                "application/x-amz-json-1.1",
                                "X-Amz-Target",
                                "AmazonEC2ContainerServiceV20141113.ListClusters"),
                        "{}",
                        "ecs",
                        """
                        POST
                        /

                        content-type:application/x-amz-json-1.1
                        host:ecs.us-east-1.amazonaws.com
                        x-amz-date:20150830T123600Z
                        x-amz-target:AmazonEC2ContainerServiceV20141113.ListClusters

                        content-type;host;x-amz-date;x-amz-target
                        44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a""",
                        """
                        AWS4-HMAC-SHA256
                        20150830T123600Z
                        20150830/us-east-1/ecs/aws4_request
                        1495d04d7edd422cf82ff5cc95d5c8892a5834bf97e39848c51fe3276729db92""",
                        "72ef431968ce01533229ae66dc760665e3b0498d448583c7bb848a233b3ccb0d"),
                new Vector(
                        "GET with encoded path and unsorted query",
                        "GET",
                        "example.amazonaws.com",
                        "/a%20b/c",
                        Map.of("Param2", List.of("value/2"), "Param1", List.of("value 1")),
                        "Param2=value%2F2&Param1=value%201",
                        Map.of("My-Header1", "  a   b   c  "),
                        "",
                        "service",
                        """
                        GET
                        /a%2520b/c
                        Param1=value%201&Param2=value%2F2
                        host:example.amazonaws.com
                        my-header1:a b c
                        x-amz-date:20150830T123600Z

                        host;my-header1;x-amz-date
                        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""",
                        """
                        AWS4-HMAC-SHA256
                        20150830T123600Z
                        20150830/us-east-1/service/aws4_request
                        48ce00d5de427fddaed7770d6bc446fcbf3c5b0d9d00a093a5e3c8a0d890c473""",
                        "21ad7bb3afa2ff007f9434ba085c87ede50bc19036a5e136c3f8c36c3dae1dac"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void canonicalRequestStringToSignAndSignature(Vector v) {
        Map<String, List<String>> headers = new HashMap<>();
        v.headers().forEach((k, val) -> headers.put(k.toLowerCase(Locale.ROOT), List.of(val)));
        headers.put("host", List.of(v.host()));
        headers.put("x-amz-date", List.of("20150830T123600Z"));
        List<String> signed = headers.keySet().stream().sorted().toList();
        byte[] body = v.body().getBytes(StandardCharsets.UTF_8);

        String canonical = CanonicalRequest.build(
                v.method(), v.encodedPath(), v.wireQuery(), headers, signed, Hashing.sha256Hex(body));
        assertThat(canonical).isEqualTo(v.canonical());

        CredentialScope scope = new CredentialScope("20150830", "us-east-1", v.service());
        String stringToSign = StringToSign.build("20150830T123600Z", scope, canonical);
        assertThat(stringToSign).isEqualTo(v.stringToSign());

        assertThat(oracleAuthorization(v))
                .isEqualTo("AWS4-HMAC-SHA256 Credential=" + AKID + "/" + scope + ", SignedHeaders="
                        + String.join(";", signed) + ", Signature=" + v.signature());

        byte[] key = new SigningKeys(4).signingKey(SECRET, scope);
        assertThat(HexFormat.of().formatHex(Hashing.hmacSha256(key, stringToSign)))
                .isEqualTo(v.signature());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void verifierAcceptsTheVectorAndRejectsAnyOtherSignature(Vector v) {
        Map<String, List<String>> headers = new HashMap<>();
        v.headers().forEach((k, val) -> headers.put(k, List.of(val)));
        headers.put("Host", List.of(v.host()));
        headers.put("X-Amz-Date", List.of("20150830T123600Z"));
        String signed = Stream.concat(v.headers().keySet().stream(), Stream.of("host", "x-amz-date"))
                .map(n -> n.toLowerCase(Locale.ROOT))
                .sorted()
                .reduce((a, b) -> a + ";" + b)
                .orElseThrow();
        String authorization = "AWS4-HMAC-SHA256 Credential=" + AKID + "/20150830/us-east-1/" + v.service()
                + "/aws4_request, SignedHeaders=" + signed + ", Signature=";
        SigV4Verifier verifier = new SigV4Verifier(
                CredentialStore.of(Credential.of(AKID, SECRET)), Clock.fixed(TIME, ZoneOffset.UTC), v.service());
        byte[] body = v.body().getBytes(StandardCharsets.UTF_8);

        headers.put("Authorization", List.of(authorization + v.signature()));
        assertThat(verifier.verify(v.method(), v.encodedPath(), v.wireQuery(), headers, body))
                .isEqualTo(new Verification.Accepted(AKID, "us-east-1"));

        String flipped =
                (v.signature().charAt(0) == '0' ? "1" : "0") + v.signature().substring(1);
        headers.put("Authorization", List.of(authorization + flipped));
        assertThat(verifier.verify(v.method(), v.encodedPath(), v.wireQuery(), headers, body))
                .isInstanceOf(Verification.Rejected.class);
    }

    @SuppressWarnings("deprecation") // Aws4Signer: the SDK's long-standing SigV4 implementation, as oracle
    private static String oracleAuthorization(Vector v) {
        SdkHttpFullRequest.Builder request = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(v.method()))
                .protocol("https")
                .host(v.host())
                .encodedPath(v.encodedPath())
                .rawQueryParameters(v.query())
                .contentStreamProvider(() -> new ByteArrayInputStream(v.body().getBytes(StandardCharsets.UTF_8)));
        v.headers().forEach(request::putHeader);
        SdkHttpFullRequest signed = Aws4Signer.create()
                .sign(
                        request.build(),
                        Aws4SignerParams.builder()
                                .awsCredentials(AwsBasicCredentials.create(AKID, SECRET))
                                .signingName(v.service())
                                .signingRegion(Region.US_EAST_1)
                                .signingClockOverride(Clock.fixed(TIME, ZoneOffset.UTC))
                                .build());
        return signed.firstMatchingHeader("Authorization").orElseThrow();
    }
}
