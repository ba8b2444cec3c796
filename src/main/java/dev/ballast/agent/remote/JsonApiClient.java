package dev.ballast.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.protocol.AgentProtocol;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A minimal AWS JSON 1.1 client: {@code POST /} with {@code X-Amz-Target: prefix.Operation}, the input as a
 * JSON object, SigV4-signed (with {@code X-Amz-Security-Token} signed too for temporary credentials);
 * answers the output object or throws {@link Failure} with the error's {@code __type} and {@code message}.
 * Used by the remote agent and by the command-line tools.
 */
public final class JsonApiClient {
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    /** Signs a request (AWS SigV4): answers the headers to send, the given ones included. */
    @FunctionalInterface
    public interface Signer {
        Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body);
    }

    /** An error answer from the server, or no answer at all (status 0). */
    public static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String type;
        private final int status;

        Failure(String type, int status, String message) {
            super(message);
            this.type = type;
            this.status = status;
        }

        public String type() {
            return type;
        }

        public int status() {
            return status;
        }
    }

    private final URI endpoint;
    private final Signer signer;
    private final HttpClient http;
    private final String sessionToken;

    public JsonApiClient(URI endpoint, Signer signer) {
        this(endpoint, signer, null);
    }

    /** @param sessionToken the session token of temporary credentials, or null */
    public JsonApiClient(URI endpoint, Signer signer, String sessionToken) {
        this.endpoint = endpoint.getPath().isEmpty() ? endpoint.resolve("/") : endpoint;
        this.signer = signer;
        this.sessionToken = sessionToken;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** Calls {@code targetPrefix.operation} with {@code input}; answers the output object. */
    public JsonNode call(String targetPrefix, String operation, ObjectNode input) {
        return call(targetPrefix, operation, input, Map.of());
    }

    /** As above, with extra headers (signed like the others). */
    public JsonNode call(String targetPrefix, String operation, ObjectNode input, Map<String, String> extraHeaders) {
        byte[] body;
        try {
            body = AgentProtocol.mapper().writeValueAsBytes(input);
        } catch (IOException e) {
            throw new IllegalStateException("write " + operation + " input: " + e, e);
        }
        Map<String, String> toSign = new LinkedHashMap<>(extraHeaders);
        toSign.put("Content-Type", CONTENT_TYPE);
        toSign.put("X-Amz-Target", targetPrefix + "." + operation);
        if (sessionToken != null) {
            toSign.put("X-Amz-Security-Token", sessionToken);
        }
        Map<String, String> headers = signer.sign("POST", endpoint, toSign, body);
        HttpRequest.Builder b = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(45))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(b::header);
        HttpResponse<byte[]> response;
        try {
            response = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new Failure("ConnectionError", 0, "cannot reach " + endpoint + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure("Interrupted", 0, "interrupted while calling " + endpoint);
        }
        JsonNode out;
        try {
            out = response.body().length == 0
                    ? AgentProtocol.mapper().createObjectNode()
                    : AgentProtocol.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new Failure(
                    "UnreadableResponse",
                    response.statusCode(),
                    "the server at " + endpoint + " answered " + response.statusCode()
                            + " with a body that is not JSON");
        }
        if (response.statusCode() != 200) {
            String type = out.path("__type").asText("HTTP" + response.statusCode());
            throw new Failure(
                    type.substring(type.lastIndexOf('#') + 1),
                    response.statusCode(),
                    out.path("message").asText(out.path("Message").asText("")));
        }
        return out;
    }
}
