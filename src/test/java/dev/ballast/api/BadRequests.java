package dev.ballast.api;

import static dev.ballast.api.BodyEdits.abbreviate;
import static dev.ballast.api.BodyEdits.bytes;
import static dev.ballast.api.BodyEdits.concat;
import static dev.ballast.api.BodyEdits.hex;
import static dev.ballast.api.BodyEdits.nestedObjects;
import static dev.ballast.api.BodyEdits.slice;
import static dev.ballast.api.BodyEdits.utf8;
import static dev.ballast.api.BodyEdits.withFirstKeyTwice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A deterministic generator of malformed and mutated AWS JSON 1.1 requests for {@link BadInputTest}. It
 * starts from one valid body per operation and derives broken requests from it: envelope damage (empty,
 * truncated, trailing garbage, duplicate keys, non-object, invalid UTF-8, deep nesting, oversized),
 * per-member damage driven by the ECS model (every member given every wrong JSON type, nulls, missing
 * required members, huge strings) and, in {@link TargetedBadRequests}, the semantic rules (ARNs, enums,
 * ranges, task definition limits, image references, targets). Each case says what the server must do.
 */
final class BadRequests {
    /** What a case may do to the server. */
    enum Expect {
        /** Must be answered with a 4xx and must not change the store. */
        REFUSED,
        /** May succeed or be refused, but must not change the store (reads, requests naming nothing). */
        NO_EFFECT,
        /** Still a valid write once the server drops what it ignores; may change the store. */
        MAY_WRITE
    }

    /**
     * How the body goes on the wire. A chunked body past the HTTP layer's limit makes the server stop reading
     * and close the connection, so the client may see a reset while still sending instead of the answer.
     */
    enum Framing {
        CONTENT_LENGTH,
        CHUNKED,
        CHUNKED_PAST_LIMIT,
        EXPECT_CONTINUE
    }

    /** One request: {@code target} null sends no X-Amz-Target. */
    record Case(
            String operation,
            String family,
            String detail,
            String target,
            byte[] body,
            Expect expect,
            Framing framing) {
        @Override
        public String toString() {
            return operation + " / " + family + " / " + detail + " (" + expect + ", " + body.length + " bytes)";
        }
    }

    static final String PREFIX = "AmazonEC2ContainerServiceV20141113";
    static final ObjectMapper JSON = BodyEdits.JSON;
    private static final String HUGE_100K = "a".repeat(100 * 1024);

    final Map<String, ObjectNode> bases;
    final Set<String> readOnly;
    final Random random;
    private final JsonNode shapes;
    private final JsonNode operations;
    private final List<Case> cases = new ArrayList<>();

    BadRequests(Map<String, ObjectNode> bases, Set<String> readOnly, long seed) {
        this.bases = bases;
        this.readOnly = readOnly;
        this.random = new Random(seed);
        JsonNode model = loadModel();
        this.shapes = model.path("shapes");
        this.operations = model.path("operations");
    }

    List<Case> generate() {
        for (String op : bases.keySet()) {
            envelope(op);
            perMember(op);
        }
        new TargetedBadRequests(this).addAll();
        return List.copyOf(cases);
    }

    // ---- envelope damage -------------------------------------------------------------------------------

    private void envelope(String op) {
        byte[] base = bytes(bases.get(op));
        Expect emptyOutcome = requiredMembers(inputShape(op)).isEmpty() ? harmless(op) : Expect.REFUSED;
        add(op, "empty body", "zero bytes", new byte[0], emptyOutcome);
        add(op, "empty body", "whitespace only", utf8(" \r\n\t "), emptyOutcome);
        for (String top : List.of(
                "[]",
                "[" + new String(base, StandardCharsets.UTF_8) + "]",
                "42",
                "-0.5",
                "\"" + op + "\"",
                "true",
                "null")) {
            add(
                    op,
                    "non-object top level",
                    top.length() > 20 ? top.substring(0, 20) + "..." : top,
                    utf8(top),
                    Expect.REFUSED);
        }
        for (int cut : new int[] {1, 2, base.length / 2, base.length - 1, 1 + random.nextInt(base.length - 1)}) {
            add(
                    op,
                    "truncated JSON",
                    "first " + cut + " of " + base.length + " bytes",
                    slice(base, cut),
                    Expect.REFUSED);
        }
        for (String garbage : List.of("x", "}", "{}", ",", "\u0000", " // comment", " null", "]", "\"tail\"")) {
            add(
                    op,
                    "trailing garbage",
                    JSON.valueToTree(garbage).toString(),
                    concat(base, utf8(garbage)),
                    Expect.REFUSED);
        }
        for (String broken : List.of(
                "{'single':'quotes'}",
                "{unquoted: 1}",
                "{\"a\":NaN}",
                "{\"a\":01}",
                "/* c */ {}",
                "{\"a\" 1}",
                "{\"a\":1,}",
                "{,}")) {
            add(op, "not JSON", broken, utf8(broken), Expect.REFUSED);
        }
        duplicateKeys(op);
        invalidUtf8(op);
        deepNesting(op);
        oversized(op);
        ObjectNode unknown = bases.get(op).deepCopy();
        unknown.put("zzUnknownMember", "ignored");
        add(op, "unknown member", "top level", unknown, harmless(op));
        ObjectNode deepUnknown = bases.get(op).deepCopy();
        deepUnknown.set("zzDeep", nestedObjects(10));
        add(op, "unknown member", "nested 10 deep", deepUnknown, harmless(op));
    }

    private void duplicateKeys(String op) {
        ObjectNode base = bases.get(op);
        if (base.isEmpty()) {
            add(op, "duplicate keys", "top level", utf8("{\"a\":1,\"a\":2}"), Expect.REFUSED);
            return;
        }
        add(op, "duplicate keys", "top level", utf8(withFirstKeyTwice(base)), Expect.REFUSED);
        for (Node n : walk(op)) {
            if (n.value().isObject() && !n.value().isEmpty()) {
                add(
                        op,
                        "duplicate keys",
                        n.path(),
                        raw(op, n.path(), withFirstKeyTwice((ObjectNode) n.value())),
                        Expect.REFUSED);
                return;
            }
        }
    }

    /** Ill-formed UTF-8 inside a string value (and one outside any string). */
    private void invalidUtf8(String op) {
        List<Node> strings =
                walk(op).stream().filter(n -> n.value().isTextual()).toList();
        int[][] sequences = {
            {0xFF},
            {0x80},
            {0xC3, 0x28},
            {0xE2, 0x82},
            {0xC0, 0xAF},
            {0xE0, 0x80, 0xAF},
            {0xED, 0xA0, 0x80},
            {0xF4, 0x90, 0x80, 0x80},
            {0xF8, 0x88, 0x80, 0x80, 0x80}
        };
        for (int[] seq : sequences) {
            byte[] bad = new byte[seq.length];
            for (int i = 0; i < seq.length; i++) {
                bad[i] = (byte) seq[i];
            }
            String hex = hex(bad);
            if (strings.isEmpty()) {
                add(
                        op,
                        "invalid UTF-8",
                        hex + " in an unknown member",
                        BodyEdits.withRawMember(
                                bases.get(op), "zzUnknownMember", concat(utf8("ab"), bad, utf8("cd")), true),
                        Expect.REFUSED);
            } else {
                Node n = strings.get(random.nextInt(strings.size()));
                add(
                        op,
                        "invalid UTF-8",
                        hex + " in " + n.path(),
                        BodyEdits.withRaw(bases.get(op), n.path(), concat(utf8("ab"), bad, utf8("cd")), true),
                        Expect.REFUSED);
            }
        }
        add(
                op,
                "invalid UTF-8",
                "0xFF outside strings",
                concat(utf8("{"), new byte[] {(byte) 0xFF}, utf8("}")),
                Expect.REFUSED);
    }

    private void deepNesting(String op) {
        String member =
                bases.get(op).isEmpty() ? null : bases.get(op).fieldNames().next();
        for (int depth : new int[] {10, 100, 10_000}) {
            String arrays = "[".repeat(depth) + "]".repeat(depth);
            String objects = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
            if (member != null) {
                add(
                        op,
                        "deep nesting",
                        "arrays " + depth + " deep in " + member,
                        raw(op, member, arrays),
                        Expect.REFUSED);
            }
            if (depth > 10) {
                add(
                        op,
                        "deep nesting",
                        "objects " + depth + " deep as unknown member",
                        BodyEdits.withRawMember(bases.get(op), "zzDeep", utf8(objects), false),
                        Expect.REFUSED);
                add(op, "deep nesting", "arrays " + depth + " deep as the body", utf8(arrays), Expect.REFUSED);
            }
        }
    }

    /** Bodies over the 1 MiB limit; the very large ones only for a few write operations. */
    private void oversized(String op) {
        add(op, "huge body", "1 MiB + 1 byte", padTo(op, (1 << 20) + 1), Expect.REFUSED);
        if (Set.of("CreateCluster", "RegisterTaskDefinition", "PutAccountSetting", "TagResource")
                .contains(op)) {
            add(op, "huge body", "1.5 MB", padTo(op, 1_500_000), Expect.REFUSED);
            cases.add(new Case(
                    op,
                    "huge body",
                    "3 MB, Expect: 100-continue (over the HTTP layer's limit)",
                    target(op),
                    padTo(op, 3_000_000),
                    Expect.REFUSED,
                    Framing.EXPECT_CONTINUE));
            cases.add(new Case(
                    op,
                    "huge body",
                    "3 MB chunked",
                    target(op),
                    padTo(op, 3_000_000),
                    Expect.REFUSED,
                    Framing.CHUNKED_PAST_LIMIT));
            cases.add(new Case(
                    op,
                    "huge body",
                    "1.5 MB chunked",
                    target(op),
                    padTo(op, 1_500_000),
                    Expect.REFUSED,
                    Framing.CHUNKED));
        }
    }

    private byte[] padTo(String op, int size) {
        ObjectNode o = bases.get(op).deepCopy();
        o.put("zzPadding", "");
        int missing = size - bytes(o).length;
        o.put("zzPadding", "p".repeat(Math.max(0, missing)));
        return bytes(o);
    }

    // ---- per-member damage from the model --------------------------------------------------------------

    private void perMember(String op) {
        for (Node n : walk(op)) {
            String type = shape(n.shape()).path("type").asText();
            for (JsonNode wrong : wrongTypes(type)) {
                add(
                        op,
                        "wrong JSON type",
                        n.path() + " = " + abbreviate(wrong),
                        with(op, n.path(), wrong),
                        Expect.REFUSED);
            }
            Expect nullOutcome = n.required() || n.inList() ? Expect.REFUSED : harmless(op);
            add(op, "null member", n.path(), with(op, n.path(), NullNode.getInstance()), nullOutcome);
            if (n.required()) {
                add(op, "missing required member", n.path(), with(op, n.path(), null), Expect.REFUSED);
            }
            if (type.equals("string")) {
                add(
                        op,
                        "huge string",
                        n.path() + " = 100 KiB",
                        with(op, n.path(), TextNode.valueOf(HUGE_100K)),
                        hugeStringOutcome(op, n));
                add(
                        op,
                        "escaped lone surrogate",
                        n.path(),
                        raw(op, n.path(), "\"ab\\ud800cd\""),
                        loneSurrogateOutcome(op, n));
            }
        }
    }

    private static List<JsonNode> wrongTypes(String type) {
        List<JsonNode> all = new ArrayList<>(List.of(
                TextNode.valueOf("7"),
                IntNode.valueOf(7),
                DoubleNode.valueOf(1.5),
                BooleanNode.TRUE,
                JSON.createArrayNode().add("x"),
                JSON.createObjectNode().put("a", 1)));
        all.removeIf(
                switch (type) {
                    case "string" -> JsonNode::isTextual;
                    case "integer", "long" -> JsonNode::isIntegralNumber;
                    case "double", "timestamp" -> JsonNode::isNumber;
                    case "boolean" -> JsonNode::isBoolean;
                    case "list" -> JsonNode::isArray;
                    case "structure", "map" -> JsonNode::isObject;
                    default -> n -> true;
                });
        return all;
    }

    /** Enums and lengths are modeled; names and references Ballast checks itself; the rest is free text. */
    private Expect hugeStringOutcome(String op, Node n) {
        JsonNode s = shape(n.shape());
        if (s.has("enum")
                || s.path("max").asInt(Integer.MAX_VALUE) < HUGE_100K.length()
                || op.equals("RegisterTaskDefinition")
                || TargetedBadRequests.CHECKED_STRINGS.contains(op + ":" + n.pattern())) {
            return Expect.REFUSED;
        }
        return op.equals("DeleteTaskDefinitions") ? Expect.NO_EFFECT : harmless(op);
    }

    /**
     * An unpaired surrogate ({@code "\ud800"}) is valid JSON but not Unicode text: refused wherever the value
     * must be a name, enum value, reference or match a pattern; elsewhere stored and echoed (escaped) as sent.
     */
    private Expect loneSurrogateOutcome(String op, Node n) {
        JsonNode s = shape(n.shape());
        if (s.has("enum") || s.has("pattern") || TargetedBadRequests.CHECKED_STRINGS.contains(op + ":" + n.pattern())) {
            return Expect.REFUSED;
        }
        return op.equals("DeleteTaskDefinitions") ? Expect.NO_EFFECT : harmless(op);
    }

    /** Outcome of a request that stays valid: reads change nothing, writes may write. */
    Expect harmless(String op) {
        return readOnly.contains(op) ? Expect.NO_EFFECT : Expect.MAY_WRITE;
    }

    // ---- model walking ---------------------------------------------------------------------------------

    /** A member value in a base body, with its path ({@code a.b[0].c}), model shape and position. */
    record Node(String path, JsonNode value, String shape, boolean required, boolean inList) {
        /** The path with list indexes generalised to {@code [*]}. */
        String pattern() {
            return path.replaceAll("\\[\\d+]", "[*]");
        }
    }

    List<Node> walk(String op) {
        List<Node> out = new ArrayList<>();
        walkStructure(inputShape(op), bases.get(op), "", out);
        return out;
    }

    private void walkStructure(String shapeName, JsonNode node, String path, List<Node> out) {
        JsonNode members = shape(shapeName).path("members");
        Set<String> required = requiredMembers(shapeName);
        node.properties().forEach(e -> {
            JsonNode member = members.get(e.getKey());
            if (member == null) {
                throw new IllegalStateException("base body member " + path + e.getKey() + " is not in the model");
            }
            String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            walkValue(member.path("shape").asText(), e.getValue(), p, required.contains(e.getKey()), false, out);
        });
    }

    private void walkValue(
            String shapeName, JsonNode value, String path, boolean required, boolean inList, List<Node> out) {
        out.add(new Node(path, value, shapeName, required, inList));
        JsonNode s = shape(shapeName);
        switch (s.path("type").asText()) {
            case "structure" -> walkStructure(shapeName, value, path, out);
            case "list" -> {
                for (int i = 0; i < value.size(); i++) {
                    walkValue(
                            s.path("member").path("shape").asText(),
                            value.get(i),
                            path + "[" + i + "]",
                            false,
                            true,
                            out);
                }
            }
            default -> {}
        }
    }

    String inputShape(String op) {
        return operations.path(op).path("input").asText();
    }

    JsonNode shape(String name) {
        JsonNode s = shapes.get(name);
        if (s == null) {
            throw new IllegalStateException("no shape " + name);
        }
        return s;
    }

    private Set<String> requiredMembers(String shapeName) {
        Set<String> out = new HashSet<>();
        shape(shapeName).path("required").forEach(r -> out.add(r.asText()));
        return out;
    }

    // ---- building cases --------------------------------------------------------------------------------

    static String target(String op) {
        return PREFIX + "." + op;
    }

    void add(String op, String family, String detail, byte[] body, Expect expect) {
        cases.add(new Case(op, family, detail, target(op), body, expect, Framing.CONTENT_LENGTH));
    }

    void add(String op, String family, String detail, JsonNode body, Expect expect) {
        add(op, family, detail, bytes(body), expect);
    }

    void addWithTarget(String op, String family, String detail, String target, Expect expect) {
        cases.add(new Case(op, family, detail, target, bytes(bases.get(op)), expect, Framing.CONTENT_LENGTH));
    }

    /** The base body of {@code op} with the value at {@code path} replaced ({@code null} removes it). */
    ObjectNode with(String op, String path, JsonNode value) {
        return BodyEdits.with(bases.get(op), path, value);
    }

    /** The base body of {@code op} with raw JSON text in place of the value at {@code path}. */
    byte[] raw(String op, String path, String json) {
        return BodyEdits.withRaw(bases.get(op), path, utf8(json), false);
    }

    private static JsonNode loadModel() {
        try (InputStream in = BadRequests.class.getResourceAsStream("/dev/ballast/api/ecs-shapes.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
