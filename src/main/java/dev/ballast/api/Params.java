package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.store.Tags;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Typed reads of validated input members (types were checked against the model already). */
final class Params {
    private Params() {}

    static String string(ObjectNode in, String member) {
        JsonNode n = in.get(member);
        return n == null ? null : n.asText();
    }

    static String required(ObjectNode in, String member) {
        String s = string(in, member);
        if (s == null || s.isEmpty()) {
            throw AwsException.invalidParameter("Missing required parameter '" + member + "'.");
        }
        return s;
    }

    /**
     * A string member of an extension operation's input (which no model validated): a wrong type is a
     * SerializationException; a missing or empty required one an InvalidParameterException.
     */
    static String text(ObjectNode in, String member, boolean required) {
        JsonNode n = in.get(member);
        if (n == null || n.isNull()) {
            if (required) {
                throw AwsException.invalidParameter("Missing required parameter '" + member + "'.");
            }
            return null;
        }
        if (!n.isTextual()) {
            throw AwsException.serialization("'" + member + "' must be a string.");
        }
        if (required && n.asText().isEmpty()) {
            throw AwsException.invalidParameter("Invalid '" + member + "': it must not be empty.");
        }
        return n.asText();
    }

    static boolean bool(ObjectNode in, String member) {
        return in.path(member).asBoolean(false);
    }

    static List<String> strings(ObjectNode in, String member) {
        List<String> out = new ArrayList<>();
        in.path(member).forEach(n -> out.add(n.asText()));
        return out;
    }

    static ArrayNode array(List<String> values) {
        ArrayNode a = Json.mapper().createArrayNode();
        values.forEach(a::add);
        return a;
    }

    /** Reads and checks a {@code tags} list: at most 50, no duplicate keys, no reserved {@code aws:} prefix. */
    static List<Tags.Tag> tags(JsonNode tagsNode, String member) {
        List<Tags.Tag> tags = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        for (JsonNode t : tagsNode) {
            String key = t.path("key").asText(null);
            if (key == null || key.isEmpty()) {
                throw AwsException.invalidParameter("Each entry of '" + member + "' needs a non-empty 'key'.");
            }
            if (key.regionMatches(true, 0, "aws:", 0, 4)) {
                throw AwsException.invalidParameter(
                        "Tag key '" + ShapeValidator.clip(key) + "' uses the reserved prefix 'aws:'.");
            }
            if (!keys.add(key)) {
                throw AwsException.invalidParameter(
                        "Tag key '" + ShapeValidator.clip(key) + "' appears more than once in '" + member + "'.");
            }
            tags.add(new Tags.Tag(key, t.path("value").asText("")));
        }
        if (tags.size() > 50) {
            throw AwsException.invalidParameter(
                    "'" + member + "' has " + tags.size() + " tags; a resource can have at most 50.");
        }
        return tags;
    }

    static ArrayNode tagsJson(List<Tags.Tag> tags) {
        ArrayNode a = Json.mapper().createArrayNode();
        for (Tags.Tag t : tags) {
            a.addObject().put("key", t.key()).put("value", t.value());
        }
        return a;
    }
}
