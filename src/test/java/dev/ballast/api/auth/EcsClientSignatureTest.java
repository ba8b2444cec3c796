package dev.ballast.api.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The real ECS client of the AWS SDK for Java v2 signs calls to a local HTTP server; the verifier checks
 * what arrived exactly as the server saw it.
 */
class EcsClientSignatureTest {

    record Received(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {}

    HttpServer server;
    final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        URI uri = exchange.getRequestURI();
        received.add(new Received(
                exchange.getRequestMethod(),
                uri.getRawPath(),
                uri.getRawQuery(),
                Map.copyOf(exchange.getRequestHeaders()),
                body));
        byte[] response = "{\"clusterArns\":[]}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(200, response.length);
        exchange.getResponseBody().write(response);
        exchange.close();
    }

    Verification callListClusters(AwsCredentials credentials, CredentialStore accepted) {
        try (EcsClient ecs = EcsClient.builder()
                .endpointOverride(
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort()))
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .httpClient(UrlConnectionHttpClient.create())
                .build()) {
            ecs.listClusters(r -> r.maxResults(5));
        }
        assertThat(received).hasSize(1);
        Received r = received.getFirst();
        return new SigV4Verifier(accepted, Clock.systemUTC(), "ecs")
                .verify(r.method(), r.rawPath(), r.rawQuery(), r.headers(), r.body());
    }

    @Test
    void realClientCallVerifies() {
        Verification result =
                callListClusters(AwsBasicCredentials.create("test", "test"), CredentialStore.developmentPair());

        assertThat(result).isEqualTo(new Verification.Accepted("test", "eu-central-1"));
        String authorization =
                received.getFirst().headers().get("Authorization").getFirst();
        assertThat(authorization)
                .contains("SignedHeaders=amz-sdk-invocation-id;amz-sdk-request;content-length;"
                        + "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target,");
    }

    @Test
    void realClientWithSessionCredentialsVerifies() {
        Verification result = callListClusters(
                AwsSessionCredentials.create("ASIATEMP", "temp-secret", "tok3n"),
                CredentialStore.of(Credential.temporary("ASIATEMP", "temp-secret", "tok3n")));

        assertThat(result).isEqualTo(new Verification.Accepted("ASIATEMP", "eu-central-1"));
    }

    @Test
    void realClientWithWrongSecretIsRejected() {
        Verification result =
                callListClusters(AwsBasicCredentials.create("test", "wrong"), CredentialStore.developmentPair());

        assertThat(result)
                .isInstanceOfSatisfying(
                        Verification.Rejected.class,
                        r -> assertThat(r.errorType()).isEqualTo("InvalidSignatureException"));
    }
}
