package dev.ballast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Sends hand-made AWS JSON 1.1 requests to a Ballast server: any body bytes, any {@code X-Amz-Target} (or
 * none), extra or removed headers, signed with the AWS SDK's own SigV4 signer ({@link AwsV4HttpSigner}) by
 * the right or a wrong key, at a chosen time, over a different body than the one sent, or not at all.
 * Built for the protocol and bad-input tests; an AWS SDK client cannot send most of these requests.
 *
 * <pre>{@code
 * RawClient raw = RawClient.forServer(server);
 * RawClient.Response r = raw.call("CreateCluster", "{\"clusterName\":\"a\"}");
 * RawClient.Response bad = raw.request("{}").signedWith("test", "wrong").send();
 * }</pre>
 */
public final class RawClient {
    public static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";
    public static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "expect", "upgrade");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI endpoint;
    private final String accessKey;
    private final String secret;
    private final String region;
    private final HttpClient http;

    public RawClient(URI endpoint, String accessKey, String secret, String region) {
        this.endpoint = endpoint.resolve("/");
        this.accessKey = accessKey;
        this.secret = secret;
        this.region = region;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** A client for a test server, signing with its development credentials. */
    public static RawClient forServer(TestServer server) {
        return new RawClient(server.endpoint(), "test", "test", TestServer.ACCOUNT.region());
    }

    /** A properly signed call of {@code operation} with a JSON body. */
    public Response call(String operation, String json) {
        return request(json).operation(operation).send();
    }

    /** Starts a request with a UTF-8 body; by default unsigned target, signed with this client's key, now. */
    public Request request(String body) {
        return request(body.getBytes(StandardCharsets.UTF_8));
    }

    public Request request(byte[] body) {
        return new Request(body);
    }

    /** A plain GET of an operational endpoint such as {@code /healthz}; never signed. */
    public Response get(String path) {
        HttpRequest req = HttpRequest.newBuilder(endpoint.resolve(path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        return exchange(req);
    }

    private Response exchange(HttpRequest req) {
        try {
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(res.statusCode(), res.headers().map(), res.body());
        } catch (IOException e) {
            throw new UncheckedIOException(req.method() + " " + req.uri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** One request being put together; {@link #send()} signs (or not) and sends it. */
    public final class Request {
        private final byte[] body;
        private byte[] signedBody;
        private String target;
        private String contentType = CONTENT_TYPE;
        private String signingKey = accessKey;
        private String signingSecret = secret;
        private boolean sign = true;
        private Instant signingTime;
        private boolean chunked;
        private boolean expectContinue;
        private final Map<String, String> signedHeaders = new LinkedHashMap<>();
        private final Map<String, String> unsignedHeaders = new LinkedHashMap<>();
        private final List<String> removedAfterSigning = new ArrayList<>();

        private Request(byte[] body) {
            this.body = body.clone();
        }

        /** {@code X-Amz-Target: AmazonEC2ContainerServiceV20141113.<operation>}. */
        public Request operation(String operation) {
            return target(TARGET_PREFIX + "." + operation);
        }

        /** The raw {@code X-Amz-Target} value; null sends none. */
        public Request target(String target) {
            this.target = target;
            return this;
        }

        /** The {@code Content-Type}; null sends none. */
        public Request contentType(String contentType) {
            this.contentType = contentType;
            return this;
        }

        /** An extra header, included in the signature. */
        public Request header(String name, String value) {
            signedHeaders.put(name, value);
            return this;
        }

        /** An extra header added after signing, so not covered by the signature. */
        public Request unsignedHeader(String name, String value) {
            unsignedHeaders.put(name, value);
            return this;
        }

        /** Drops a header (e.g. {@code X-Amz-Date}) from the signed request before sending it. */
        public Request withoutHeader(String name) {
            removedAfterSigning.add(name.toLowerCase(Locale.ROOT));
            return this;
        }

        /** Signs with another access key and secret (unknown key, wrong secret). */
        public Request signedWith(String accessKeyId, String secretKey) {
            this.signingKey = accessKeyId;
            this.signingSecret = secretKey;
            return this;
        }

        /** Signs as if the request were made at {@code time} (e.g. 20 minutes ago). */
        public Request signedAt(Instant time) {
            this.signingTime = time;
            return this;
        }

        /** Computes the signature over {@code other} but sends the body given at the start (tampering). */
        public Request signedOver(byte[] other) {
            this.signedBody = other.clone();
            return this;
        }

        /** Sends no {@code Authorization} at all. */
        public Request unsigned() {
            this.sign = false;
            return this;
        }

        /** Streams the body with chunked transfer encoding instead of a {@code Content-Length}. */
        public Request chunked() {
            this.chunked = true;
            return this;
        }

        /** Sends {@code Expect: 100-continue}, so a server refusing on the headers alone gets the body unsent. */
        public Request expectContinue() {
            this.expectContinue = true;
            return this;
        }

        public Response send() {
            SdkHttpRequest.Builder sdk =
                    SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(endpoint);
            if (target != null) {
                sdk.putHeader("X-Amz-Target", target);
            }
            if (contentType != null) {
                sdk.putHeader("Content-Type", contentType);
            }
            signedHeaders.forEach(sdk::putHeader);
            SdkHttpRequest toSend = sdk.build();
            if (sign) {
                toSend = sign(toSend);
            }
            HttpRequest.Builder http = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30));
            toSend.headers().forEach((name, values) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                if (!RESTRICTED.contains(lower) && !removedAfterSigning.contains(lower)) {
                    values.forEach(v -> http.header(name, v));
                }
            });
            unsignedHeaders.forEach(http::header);
            http.expectContinue(expectContinue);
            http.POST(
                    chunked
                            ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            return exchange(http.build());
        }

        private SdkHttpRequest sign(SdkHttpRequest unsignedRequest) {
            byte[] payload = signedBody != null ? signedBody : body;
            Clock clock = signingTime == null ? Clock.systemUTC() : Clock.fixed(signingTime, ZoneOffset.UTC);
            return AwsV4HttpSigner.create()
                    .sign(r -> r.identity(AwsCredentialsIdentity.create(signingKey, signingSecret))
                            .request(unsignedRequest)
                            .payload(ContentStreamProvider.fromByteArray(payload))
                            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "ecs")
                            .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                            .putProperty(HttpSigner.SIGNING_CLOCK, clock))
                    .request();
        }
    }

    /** What the server answered. Header names are lowercase. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {
        public Response {
            Map<String, List<String>> lower = new LinkedHashMap<>();
            headers.forEach((k, v) -> lower.computeIfAbsent(k.toLowerCase(Locale.ROOT), x -> new ArrayList<>())
                    .addAll(v));
            headers = Map.copyOf(lower);
        }

        public Optional<String> header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The body as JSON; throws if it is not JSON. */
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new IllegalStateException("response body is not JSON: " + text(), e);
            }
        }

        /** The AWS error type ({@code __type}), or empty for a success or a body without one. */
        public Optional<String> errorType() {
            try {
                JsonNode n = JSON.readTree(body);
                return n != null && n.path("__type").isTextual()
                        ? Optional.of(n.get("__type").asText())
                        : Optional.empty();
            } catch (IOException e) {
                return Optional.empty();
            }
        }

        public String message() {
            return json().path("message").asText("");
        }

        @Override
        public String toString() {
            String t = text();
            return status + " " + (t.length() > 300 ? t.substring(0, 300) + "..." : t);
        }
    }
}
