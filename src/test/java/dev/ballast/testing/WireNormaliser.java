package dev.ballast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces what legitimately differs between two runs of one scenario in server responses with stable
 * placeholders, and nothing else: random ids inside ARNs and messages, digests, runtime ids, event ids, the
 * registry's {@code host:port} and timestamps. An id becomes {@code <kind-N>}, numbered in order of first
 * appearance, and the same raw value always gets the same placeholder (across every document one instance
 * normalises), so that identity relations stay checked: a task's id in its ARN, its containers' ARNs, the
 * service events and PollTasks must still agree. Array order and every other value are kept.
 *
 * <ul>
 *   <li>{@code task/<cluster>/<32 hex>}, {@code (task <32 hex>)} → {@code <task-id-N>};
 *       {@code container/<cluster>/<task>/<8 hex>-<name>} → {@code …/<task-id-N>/<container-id-N>-<name>}</li>
 *   <li>{@code container-instance/<cluster>/<32 hex>} → {@code <instance-id-N>}</li>
 *   <li>{@code service-revision/…/<19 digits>} → {@code <revision-id-N>}; {@code service-deployment/…/<22 chars>}
 *       → {@code <service-deployment-id-N>}; {@code ecs-svc/<19 digits>} → {@code ecs-svc/<deployment-id-N>}</li>
 *   <li>{@code sha256:<64 hex>} → the name the test gave that digest ({@link #name}), else {@code <digest-N>}</li>
 *   <li>a bare 64-hex string (a runtime's container id) → {@code <runtime-id-N>}; a UUID (event ids) →
 *       {@code <uuid-N>}; {@code i-<17 hex>} → {@code <ec2-instance-id-N>}</li>
 *   <li>literal strings the test registers with {@link #literal} (the registry's {@code 127.0.0.1:port})</li>
 *   <li>a number in a member whose name ends in {@code At} (AWS JSON epoch seconds, or PollTasks' epoch
 *       milliseconds) → {@code "<time>"}; the member stays present or absent as the server sent it</li>
 * </ul>
 */
public final class WireNormaliser {
    private static final Pattern IDS = Pattern.compile(String.join(
            "|",
            "(?<digest>sha256:[0-9a-f]{64})",
            "(?<container>container/[^/\\s\"]+/)(?<ctask>[0-9a-f]{32})/(?<cid>[0-9a-f]{8})-",
            "(?<task>task/[^/\\s\"]+/)(?<tid>[0-9a-f]{32})",
            "(?<btask>\\(task )(?<btid>[0-9a-f]{32})",
            "(?<instance>container-instance/[^/\\s\"]+/)(?<iid>[0-9a-f]{32})",
            "(?<revision>service-revision/[^/\\s\"]+/[^/\\s\"]+/)(?<rid>\\d{19})",
            "(?<sdeployment>service-deployment/[^/\\s\"]+/[^/\\s\"]+/)(?<sdid>[A-Za-z0-9]{22})",
            "(?<deployment>ecs-svc/)(?<did>\\d{19})",
            "(?<uuid>\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b)",
            "(?<ec2>\\bi-[0-9a-f]{17}\\b)",
            "(?<runtime>\\b[0-9a-f]{64}\\b)",
            "(?<hex>\\b[0-9a-f]{32}\\b)"));

    private final Map<String, String> literals = new LinkedHashMap<>();
    private final Map<String, String> placeholders = new HashMap<>();
    private final Map<String, Integer> counters = new HashMap<>();

    /** Every occurrence of {@code raw} inside a string becomes {@code placeholder} (applied before the id patterns). */
    public WireNormaliser literal(String raw, String placeholder) {
        literals.put(raw, placeholder);
        return this;
    }

    /** The digest {@code sha256:…} (or any other raw id) becomes {@code <name>} instead of a numbered placeholder. */
    public WireNormaliser name(String raw, String name) {
        placeholders.put(raw, "<" + name + ">");
        return this;
    }

    /** A normalised deep copy of {@code node}. */
    public JsonNode normalise(JsonNode node) {
        return normalise(null, node);
    }

    private JsonNode normalise(String member, JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                out.set(f.getKey(), normalise(f.getKey(), f.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(n -> out.add(normalise(member, n)));
            return out;
        }
        if (node.isNumber() && member != null && member.endsWith("At")) {
            return TextNode.valueOf("<time>");
        }
        if (node.isTextual()) {
            return TextNode.valueOf(text(node.asText()));
        }
        return node.deepCopy();
    }

    /** One string with literals and ids replaced. */
    public String text(String s) {
        for (Map.Entry<String, String> l : literals.entrySet()) {
            s = s.replace(l.getKey(), l.getValue());
        }
        Matcher m = IDS.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group("digest") != null) {
                replacement = id("digest", m.group("digest"));
            } else if (m.group("container") != null) {
                replacement = m.group("container") + id("task-id", m.group("ctask")) + "/"
                        + id("container-id", m.group("cid")) + "-";
            } else if (m.group("task") != null) {
                replacement = m.group("task") + id("task-id", m.group("tid"));
            } else if (m.group("btask") != null) {
                replacement = m.group("btask") + id("task-id", m.group("btid"));
            } else if (m.group("instance") != null) {
                replacement = m.group("instance") + id("instance-id", m.group("iid"));
            } else if (m.group("revision") != null) {
                replacement = m.group("revision") + id("revision-id", m.group("rid"));
            } else if (m.group("sdeployment") != null) {
                replacement = m.group("sdeployment") + id("service-deployment-id", m.group("sdid"));
            } else if (m.group("deployment") != null) {
                replacement = m.group("deployment") + id("deployment-id", m.group("did"));
            } else if (m.group("uuid") != null) {
                replacement = id("uuid", m.group("uuid"));
            } else if (m.group("ec2") != null) {
                replacement = id("ec2-instance-id", m.group("ec2"));
            } else if (m.group("runtime") != null) {
                replacement = id("runtime-id", m.group("runtime"));
            } else {
                replacement = id("id", m.group("hex"));
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String id(String kind, String raw) {
        return placeholders.computeIfAbsent(raw, r -> "<" + kind + "-" + counters.merge(kind, 1, Integer::sum) + ">");
    }
}
