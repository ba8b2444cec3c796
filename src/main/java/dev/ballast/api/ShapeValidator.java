package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a request body against the operation's input shape from the ECS model: JSON types, required
 * members, enums, lengths and ranges. Unknown members and JSON nulls are dropped (AWS JSON 1.1 servers
 * ignore members they do not model), so what reaches the operations is exactly the modeled input.
 * Wrong JSON types are {@code SerializationException}s; constraint violations are
 * {@code InvalidParameterException}s; both name the offending member path.
 */
final class ShapeValidator {
    /** Enums Ballast widens or checks itself (with ECS-style messages naming the resource). */
    private static final Set<String> UNCHECKED_ENUMS =
            Set.of("VersionConsistency", "SettingName", "ClusterSettingName");

    private final ApiModel model;
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    ShapeValidator(ApiModel model) {
        this.model = model;
    }

    void validate(String operation, ObjectNode input) {
        String shape = model.inputShape(operation).orElse(null);
        if (shape == null) {
            input.removeAll();
            return;
        }
        structure(model.shape(shape), input, "");
    }

    private void value(String shapeName, JsonNode node, String path) {
        JsonNode shape = model.shape(shapeName);
        String type = shape.path("type").asText();
        switch (type) {
            case "structure" -> {
                if (!node.isObject()) {
                    throw wrongType(path, "an object", node);
                }
                structure(shape, (ObjectNode) node, path);
            }
            case "list" -> list(shape, node, path);
            case "map" -> map(shape, node, path);
            case "string" -> string(shapeName, shape, node, path);
            case "integer" -> integral(shape, node, path, Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer");
            case "long" -> integral(shape, node, path, Long.MIN_VALUE, Long.MAX_VALUE, "a long integer");
            case "boolean" -> {
                if (!node.isBoolean()) {
                    throw wrongType(path, "a boolean", node);
                }
            }
            case "double", "timestamp" -> {
                if (!node.isNumber()) {
                    throw wrongType(path, type.equals("double") ? "a number" : "a timestamp in epoch seconds", node);
                }
            }
            default -> {
                /* documents and anything else the model adds later: accepted as is */
            }
        }
    }

    private void structure(JsonNode shape, ObjectNode node, String path) {
        JsonNode members = shape.path("members");
        List<String> drop = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode member = members.get(e.getKey());
            if (member == null || e.getValue().isNull()) {
                drop.add(e.getKey());
            } else {
                value(member.path("shape").asText(), e.getValue(), join(path, e.getKey()));
            }
        }
        node.remove(drop);
        for (JsonNode required : shape.path("required")) {
            if (!node.has(required.asText())) {
                throw AwsException.invalidParameter(
                        "Missing required parameter '" + join(path, required.asText()) + "'.");
            }
        }
    }

    private void list(JsonNode shape, JsonNode node, String path) {
        if (!node.isArray()) {
            throw wrongType(path, "a list", node);
        }
        ArrayNode array = (ArrayNode) node;
        checkSize(shape, array.size(), path, "items");
        String member = shape.path("member").path("shape").asText();
        for (int i = 0; i < array.size(); i++) {
            if (array.get(i).isNull()) {
                throw AwsException.invalidParameter("'" + path + "[" + i + "]' must not be null.");
            }
            value(member, array.get(i), path + "[" + i + "]");
        }
    }

    private void map(JsonNode shape, JsonNode node, String path) {
        if (!node.isObject()) {
            throw wrongType(path, "a map", node);
        }
        checkSize(shape, node.size(), path, "entries");
        String keyShape = shape.path("key").path("shape").asText();
        String valueShape = shape.path("value").path("shape").asText();
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String p = path + "." + e.getKey();
            value(keyShape, TextNode.valueOf(e.getKey()), p + " (key)");
            if (e.getValue().isNull()) {
                throw AwsException.invalidParameter("'" + p + "' must not be null.");
            }
            value(valueShape, e.getValue(), p);
        }
    }

    private void string(String shapeName, JsonNode shape, JsonNode node, String path) {
        if (!node.isTextual()) {
            throw wrongType(path, "a string", node);
        }
        String s = node.asText();
        JsonNode enumValues = shape.get("enum");
        if (enumValues != null && !UNCHECKED_ENUMS.contains(shapeName)) {
            for (JsonNode v : enumValues) {
                if (v.asText().equals(s)) {
                    return;
                }
            }
            List<String> accepted = new ArrayList<>();
            enumValues.forEach(v -> accepted.add(v.asText()));
            throw AwsException.invalidParameter("Invalid value '" + clip(s) + "' for '" + path + "'. Accepted values: "
                    + String.join(", ", accepted) + ".");
        }
        checkSize(shape, s.codePointCount(0, s.length()), path, "characters");
        JsonNode pattern = shape.get("pattern");
        if (pattern != null) {
            Pattern p = compile(pattern.asText());
            if (p != null && !p.matcher(s).matches()) {
                throw AwsException.invalidParameter("Invalid value '" + clip(s) + "' for '" + path
                        + "': it contains characters that are not allowed.");
            }
        }
    }

    private void integral(JsonNode shape, JsonNode node, String path, long min, long max, String what) {
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < min || node.asLong() > max) {
            throw wrongType(path, what, node);
        }
        long v = node.asLong();
        if (shape.has("min") && v < shape.get("min").asLong()
                || shape.has("max") && v > shape.get("max").asLong()) {
            throw AwsException.invalidParameter(
                    "'" + path + "' must be between " + shape.path("min").asText("-") + " and "
                            + shape.path("max").asText("-") + ", got " + v + ".");
        }
    }

    private static void checkSize(JsonNode shape, int size, String path, String unit) {
        if (shape.has("min") && size < shape.get("min").asInt()) {
            throw AwsException.invalidParameter(
                    "'" + path + "' must have at least " + shape.get("min").asInt() + " " + unit + ".");
        }
        if (shape.has("max") && size > shape.get("max").asInt()) {
            throw AwsException.invalidParameter(
                    "'" + path + "' must have at most " + shape.get("max").asInt() + " " + unit + ".");
        }
    }

    private Pattern compile(String regex) {
        return patterns.computeIfAbsent(regex, r -> {
            try {
                return Pattern.compile(r);
            } catch (PatternSyntaxException e) {
                return null;
            }
        });
    }

    private static AwsException wrongType(String path, String expected, JsonNode got) {
        return AwsException.serialization("Expected " + expected + " for '" + (path.isEmpty() ? "(request body)" : path)
                + "' but got " + describe(got) + ".");
    }

    private static String describe(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> n.isIntegralNumber() ? "the number " + clip(n.asText()) : "a fractional number";
            default -> n.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }

    /** At most 64 characters of client input for a message, never cutting a surrogate pair in half. */
    static String clip(String s) {
        if (s.length() <= 64) {
            return s;
        }
        int end = Character.isHighSurrogate(s.charAt(60)) ? 60 : 61;
        return s.substring(0, end) + "...";
    }

    private static String join(String path, String member) {
        return path.isEmpty() ? member : path + "." + member;
    }
}
