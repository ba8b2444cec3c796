package dev.ballast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.api.auth.SigV4Signer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Signed AWS JSON 1.1 calls that return the raw answer, for Ballast's extension operations and
 * extension fields (which the AWS SDK does not model).
 */
public final class SignedJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final URI endpoint;
    private final SigV4Signer signer = new SigV4Signer("test", "test", "us-east-1", "ecs", Clock.systemUTC());
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    public SignedJson(URI endpoint) {
        this.endpoint = endpoint.resolve("/");
    }

    /** Calls {@code prefix.operation} with a JSON body; fails the test on a non-200 answer. */
    public JsonNode call(String prefix, String operation, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new HashMap<>();
        headers.put("content-type", "application/x-amz-json-1.1");
        headers.put("x-amz-target", prefix + "." + operation);
        Map<String, String> signed = signer.sign("POST", endpoint, headers, body);
        HttpRequest.Builder req = HttpRequest.newBuilder(endpoint).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signed.forEach((k, v) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length")) {
                req.header(k, v);
            }
        });
        try {
            HttpResponse<String> res = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new AssertionError(operation + " answered " + res.statusCode() + ": " + res.body());
            }
            return MAPPER.readTree(res.body());
        } catch (IOException e) {
            throw new AssertionError(operation + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(operation + " interrupted", e);
        }
    }

    public JsonNode ecs(String operation, String json) {
        return call("AmazonEC2ContainerServiceV20141113", operation, json);
    }

    public JsonNode policy(String operation, String json) {
        return call("BallastPolicy_20261128", operation, json);
    }
}
