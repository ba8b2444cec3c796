package dev.ballast.api.auth;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.signer.Aws4Signer;
import software.amazon.awssdk.auth.signer.params.Aws4SignerParams;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.regions.Region;

/**
 * Signs requests with the AWS SDK for Java v2, the independent oracle the verifier is tested against:
 * either the current {@link AwsV4HttpSigner} (which, like the SDK's clients, also signs
 * {@code x-amz-content-sha256}) or the older {@link Aws4Signer} (which, like the AWS CLI, signs only the
 * headers present). Test-only.
 */
final class OracleSigner {

    static final String HOST = "localhost:8080";
    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    static final String JSON_1_1 = "application/x-amz-json-1.1";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private String accessKeyId = "AKIDTEST";
    private String secret = "s3cr3t/Key+EXAMPLE";
    private String sessionToken;
    private String region = "us-east-1";
    private String service = "ecs";
    private Instant signingTime;
    private String method = "POST";
    private String encodedPath = "/";
    private final Map<String, List<String>> query = new LinkedHashMap<>();
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    private boolean legacy;
    private boolean unsignedPayload;

    OracleSigner(Instant signingTime) {
        this.signingTime = signingTime;
    }

    /**
     * The AWS CLI's shape of an ECS call, signed by the legacy signer: content-type, host, x-amz-date and
     * x-amz-target are signed.
     */
    static OracleSigner cliStyle(Instant signingTime, String operation) {
        OracleSigner signer = new OracleSigner(signingTime)
                .header("Content-Type", JSON_1_1)
                .header("X-Amz-Target", TARGET_PREFIX + operation);
        signer.legacy = true;
        return signer;
    }

    /**
     * The Java SDK v2 client's shape of an ECS call, signed by {@link AwsV4HttpSigner}: adds the SDK's
     * invocation headers, content-length and x-amz-content-sha256.
     */
    static OracleSigner sdkStyle(Instant signingTime, String operation) {
        return new OracleSigner(signingTime)
                .header("Content-Type", JSON_1_1)
                .header("X-Amz-Target", TARGET_PREFIX + operation)
                .header("amz-sdk-invocation-id", "6f8d1c1e-8a43-4f55-a1ab-b9e56fd3c0c1")
                .header("amz-sdk-request", "attempt=1; max=4");
    }

    /** Signs with {@code x-amz-content-sha256: UNSIGNED-PAYLOAD} (as over HTTPS with payload signing off). */
    OracleSigner unsignedPayload() {
        this.legacy = false;
        this.unsignedPayload = true;
        return this;
    }

    OracleSigner credentials(String accessKeyId, String secret) {
        this.accessKeyId = accessKeyId;
        this.secret = secret;
        return this;
    }

    OracleSigner sessionToken(String token) {
        this.sessionToken = token;
        return this;
    }

    OracleSigner region(String region) {
        this.region = region;
        return this;
    }

    OracleSigner service(String service) {
        this.service = service;
        return this;
    }

    OracleSigner at(Instant time) {
        this.signingTime = time;
        return this;
    }

    OracleSigner method(String method) {
        this.method = method;
        return this;
    }

    OracleSigner path(String encodedPath) {
        this.encodedPath = encodedPath;
        return this;
    }

    OracleSigner query(String name, String... values) {
        query.put(name, List.of(values));
        return this;
    }

    OracleSigner header(String name, String... values) {
        headers.put(name, List.of(values));
        return this;
    }

    OracleSigner body(String utf8) {
        return body(utf8.getBytes(StandardCharsets.UTF_8));
    }

    OracleSigner body(byte[] bytes) {
        this.body = bytes.clone();
        return this;
    }

    /** Signs and returns the request as the server would receive it. */
    WireRequest sign() {
        String[] hostPort = HOST.split(":");
        SdkHttpFullRequest.Builder builder = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .protocol(unsignedPayload ? "https" : "http")
                .host(hostPort[0])
                .port(Integer.parseInt(hostPort[1]))
                .encodedPath(encodedPath)
                .rawQueryParameters(query)
                .contentStreamProvider(ContentStreamProvider.fromByteArray(body));
        headers.forEach(builder::putHeader);
        SdkHttpRequest signed = legacy ? signLegacy(builder.build()) : signCurrent(builder.build());
        Map<String, List<String>> wireHeaders = new LinkedHashMap<>(signed.headers());
        if (wireHeaders.keySet().stream().noneMatch("host"::equalsIgnoreCase)) {
            wireHeaders.put("Host", List.of(HOST));
        }
        return new WireRequest(
                method, signed.encodedPath(), signed.encodedQueryParameters().orElse(null), wireHeaders, body.clone());
    }

    private SdkHttpRequest signCurrent(SdkHttpFullRequest request) {
        AwsCredentialsIdentity identity = sessionToken == null
                ? AwsCredentialsIdentity.create(accessKeyId, secret)
                : AwsSessionCredentialsIdentity.create(accessKeyId, secret, sessionToken);
        return signer.sign(r -> r.identity(identity)
                        .request(request)
                        .payload(ContentStreamProvider.fromByteArray(body))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, !unsignedPayload)
                        .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signingTime, ZoneOffset.UTC)))
                .request();
    }

    @SuppressWarnings("deprecation") // Aws4Signer is the SDK's older signer, kept here as a second oracle
    private SdkHttpRequest signLegacy(SdkHttpFullRequest request) {
        AwsCredentials credentials = sessionToken == null
                ? AwsBasicCredentials.create(accessKeyId, secret)
                : AwsSessionCredentials.create(accessKeyId, secret, sessionToken);
        return Aws4Signer.create()
                .sign(
                        request,
                        Aws4SignerParams.builder()
                                .awsCredentials(credentials)
                                .signingName(service)
                                .signingRegion(Region.of(region))
                                .signingClockOverride(Clock.fixed(signingTime, ZoneOffset.UTC))
                                .build());
    }
}
