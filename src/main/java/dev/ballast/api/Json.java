package dev.ballast.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * JSON handling for AWS JSON 1.1 bodies: strict parsing with bounded nesting and sizes, rejecting
 * duplicate keys and invalid UTF-8; nulls omitted on output.
 */
public final class Json {
    /** Deepest nesting any ECS shape needs is far below this. */
    static final int MAX_DEPTH = 48;

    private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(1 << 20)
                            .maxNumberLength(64)
                            .build())
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private Json() {}

    /** The shared, immutable-once-configured mapper. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    /** Parses a request body; an empty body is {@code {}} as AWS JSON 1.1 requires servers to accept. */
    static ObjectNode parseRequest(byte[] body) {
        if (body.length == 0 || isBlank(body)) {
            return object();
        }
        JsonNode node;
        try (JsonParser p = MAPPER.createParser(body)) {
            node = MAPPER.readTree(p);
            if (p.nextToken() != null) {
                throw AwsException.serialization("The request body holds more than one JSON value.");
            }
        } catch (IOException e) {
            throw AwsException.serialization("The request body is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw AwsException.serialization("The request body must be a JSON object.");
        }
        return (ObjectNode) node;
    }

    public static byte[] write(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException("serialize response", e);
        }
    }

    public static String writeString(JsonNode node) {
        return new String(write(node), StandardCharsets.UTF_8);
    }

    /** Parses JSON the server itself stored. */
    public static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("stored JSON is unreadable", e);
        }
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable input";
        }
        String line = message.lines().findFirst().orElse(message);
        // Jackson appends source locations that quote the input; keep the reason only.
        int at = line.indexOf(" at [Source");
        return ShapeValidator.clip(at > 0 ? line.substring(0, at) : line);
    }
}
