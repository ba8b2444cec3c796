package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Edits of JSON request bodies for {@link BadRequests}: replacing a value by path ({@code a.b[0].c}), and
 * splicing raw bytes (invalid UTF-8, duplicate keys, deep nesting, big numbers) where no JSON library would
 * write them.
 */
final class BodyEdits {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for a value that is spliced in as raw bytes after serialisation. */
    private static final String MARK = "Q7xMARKx7Q";

    private BodyEdits() {}

    /** A copy of {@code base} with the value at {@code path} replaced ({@code null} removes it). */
    static ObjectNode with(ObjectNode base, String path, JsonNode value) {
        ObjectNode copy = base.deepCopy();
        List<Object> steps = steps(path);
        JsonNode parent = copy;
        for (Object step : steps.subList(0, steps.size() - 1)) {
            parent = step instanceof Integer i ? parent.get(i) : parent.get((String) step);
        }
        Object last = steps.getLast();
        if (last instanceof Integer i) {
            if (value == null) {
                ((ArrayNode) parent).remove(i);
            } else {
                ((ArrayNode) parent).set(i, value);
            }
        } else if (value == null) {
            ((ObjectNode) parent).remove((String) last);
        } else {
            ((ObjectNode) parent).set((String) last, value);
        }
        return copy;
    }

    /**
     * {@code base} serialised with {@code raw} at {@code path}: inside the quotes of a string value when
     * {@code insideString}, else in place of the whole value.
     */
    static byte[] withRaw(ObjectNode base, String path, byte[] raw, boolean insideString) {
        return splice(bytes(with(base, path, TextNode.valueOf(MARK))), raw, insideString);
    }

    /** {@code base} serialised with an extra member holding {@code raw} (see {@link #withRaw}). */
    static byte[] withRawMember(ObjectNode base, String member, byte[] raw, boolean insideString) {
        ObjectNode o = base.deepCopy();
        o.put(member, MARK);
        return splice(bytes(o), raw, insideString);
    }

    /** The object's JSON text with its first member written twice. */
    static String withFirstKeyTwice(ObjectNode o) {
        var first = o.properties().iterator().next();
        return "{" + JSON.valueToTree(first.getKey()) + ":" + first.getValue() + ","
                + o.toString().substring(1);
    }

    /** {@code {"a":{"a":...}}}, {@code depth} objects deep. */
    static JsonNode nestedObjects(int depth) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode o = root;
        for (int i = 1; i < depth; i++) {
            o = o.putObject("a");
        }
        return root;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    static byte[] slice(byte[] b, int length) {
        return Arrays.copyOf(b, length);
    }

    static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(sb.isEmpty() ? "" : " ").append(String.format("0x%02X", x));
        }
        return sb.toString();
    }

    static String abbreviate(JsonNode n) {
        String s = n.toString();
        return s.length() > 40 ? s.substring(0, 37) + "..." : s;
    }

    private static List<Object> steps(String path) {
        List<Object> steps = new ArrayList<>();
        for (String part : path.split("\\.")) {
            int bracket = part.indexOf('[');
            steps.add(bracket < 0 ? part : part.substring(0, bracket));
            while (bracket >= 0) {
                int close = part.indexOf(']', bracket);
                steps.add(Integer.parseInt(part.substring(bracket + 1, close)));
                bracket = part.indexOf('[', close);
            }
        }
        return steps;
    }

    private static byte[] splice(byte[] body, byte[] replacement, boolean insideString) {
        byte[] mark = utf8(insideString ? MARK : "\"" + MARK + "\"");
        int at = indexOf(body, mark);
        if (at < 0) {
            throw new IllegalStateException("marker not found");
        }
        return concat(slice(body, at), replacement, Arrays.copyOfRange(body, at + mark.length, body.length));
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
