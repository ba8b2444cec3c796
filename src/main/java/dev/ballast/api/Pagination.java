package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code nextToken}/{@code maxResults} handling. Tokens are opaque to clients: base64url of a small JSON
 * object naming the operation and the last key returned, so a listing continues correctly even while
 * rows are added.
 */
final class Pagination {
    private Pagination() {}

    /** {@code maxResults}, checked against [1, max]; {@code dflt} when absent. */
    static int maxResults(ObjectNode in, int max, int dflt) {
        JsonNode n = in.get("maxResults");
        if (n == null) {
            return dflt;
        }
        int v = n.asInt();
        if (v < 1 || v > max) {
            throw AwsException.invalidParameter("'maxResults' must be between 1 and " + max + ", got " + v + ".");
        }
        return v;
    }

    /** The position a {@code nextToken} encodes for this operation, or null without a token. */
    static JsonNode after(ObjectNode in, String operation) {
        String token = Params.string(in, "nextToken");
        if (token == null || token.isEmpty()) {
            return null;
        }
        try {
            JsonNode pos = Json.mapper().readTree(Base64.getUrlDecoder().decode(token));
            if (pos != null && pos.isObject() && operation.equals(pos.path("op").asText())) {
                return pos;
            }
        } catch (IllegalArgumentException | IOException e) {
            // fall through: not one of ours
        }
        throw AwsException.invalidParameter("Invalid 'nextToken': it was not issued by " + operation + ".");
    }

    static String token(String operation, ObjectNode position) {
        position.put("op", operation);
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(Json.writeString(position).getBytes(StandardCharsets.UTF_8));
    }
}
