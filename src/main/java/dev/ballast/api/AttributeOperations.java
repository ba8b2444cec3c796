package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.CompareAndSet;
import dev.ballast.schedule.Capacity;
import dev.ballast.store.Cas;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * PutAttributes, ListAttributes and DeleteAttributes on container instances (ECS API reference; the only
 * {@code targetType} is {@code container-instance}). Names: 1-128 letters, digits, hyphens, underscores,
 * slashes, back slashes and periods; values: up to 128 of those, at signs, colons and spaces, not starting or
 * ending with a space. An instance has at most {@value #MAX_CUSTOM} custom attributes (the agent's own
 * {@code ecs.*} and {@code ballast.*} ones do not count). Attributes whose name starts with {@code ecs.} are
 * ECS's (the agent registers them): they are listed, never put or deleted.
 */
final class AttributeOperations {
    static final int MAX_CUSTOM = 10;
    static final String TARGET_TYPE = "container-instance";
    private static final String NAME = "[A-Za-z0-9_./\\\\-]{1,128}";
    private static final String VALUE = "[A-Za-z0-9_./\\\\@: -]{1,128}";

    private final Store store;
    private final ContainerInstanceOperations instances;
    private final Runnable wakeControllers;

    AttributeOperations(Store store, ContainerInstanceOperations instances, Runnable wakeControllers) {
        this.store = store;
        this.instances = instances;
        this.wakeControllers = wakeControllers;
    }

    void register(Map<String, Operation> ops) {
        ops.put("PutAttributes", (in, call) -> put(in));
        ops.put("ListAttributes", (in, call) -> list(in));
        ops.put("DeleteAttributes", (in, call) -> delete(in));
    }

    /** One attribute of a request: name, value (null: none) and the instance it targets. */
    private record Requested(String name, String value, String targetArn) {}

    private JsonNode put(ObjectNode in) {
        ClusterRecord cluster = instances.cluster(in);
        List<Requested> requested = requested(in, cluster, true);
        apply(cluster, requested, (attributes, r) -> attributes.put(r.name(), r.value()));
        wakeControllers.run(); // a pending task may now fit a memberOf constraint
        return Json.object().set("attributes", docs(requested));
    }

    private JsonNode delete(ObjectNode in) {
        ClusterRecord cluster = instances.cluster(in);
        List<Requested> requested = requested(in, cluster, false);
        apply(cluster, requested, (attributes, r) -> attributes.remove(r.name()));
        return Json.object().set("attributes", docs(requested));
    }

    private interface Change {
        void apply(Map<String, String> attributes, Requested r);
    }

    /** Applies the changes instance by instance, each in one compare-and-set write. */
    private void apply(ClusterRecord cluster, List<Requested> requested, Change change) {
        Map<String, List<Requested>> byTarget = new LinkedHashMap<>();
        requested.forEach(r ->
                byTarget.computeIfAbsent(r.targetArn(), k -> new ArrayList<>()).add(r));
        // check every target before writing any, so a refused call writes nothing
        Map<String, Versioned<InstanceRow>> found = new LinkedHashMap<>();
        byTarget.forEach((arn, rs) -> found.put(arn, target(cluster, arn)));
        byTarget.forEach((arn, rs) -> limit(found.get(arn).value(), rs, change));
        for (Map.Entry<String, List<Requested>> e : byTarget.entrySet()) {
            try {
                Cas.update(
                        () -> store.instances().find(e.getKey()),
                        i -> {
                            Map<String, String> attributes = new LinkedHashMap<>(attributesOf(i));
                            e.getValue().forEach(r -> change.apply(attributes, r));
                            return Optional.of(i.withAttributes(attributes));
                        },
                        (read, changed) -> store.instances().update(changed, read.version()),
                        10);
            } catch (CompareAndSet.ConflictException ex) {
                throw AwsException.contended("Container instance " + e.getKey());
            }
        }
    }

    private static void limit(InstanceRow i, List<Requested> rs, Change change) {
        Map<String, String> after = new LinkedHashMap<>(attributesOf(i));
        rs.forEach(r -> change.apply(after, r));
        long custom = after.keySet().stream()
                .filter(n -> !n.startsWith("ecs.") && !n.startsWith("ballast."))
                .count();
        if (custom > MAX_CUSTOM) {
            throw new AwsException(
                    "AttributeLimitExceededException",
                    400,
                    "You can apply up to " + MAX_CUSTOM + " custom attributes to a resource; container instance "
                            + i.arn() + " would have " + custom + ".");
        }
    }

    private Versioned<InstanceRow> target(ClusterRecord cluster, String arn) {
        return store.instances()
                .find(arn)
                .filter(v ->
                        v.value().cluster().equals(cluster.name()) && !v.value().deregistered())
                .orElseThrow(() -> new AwsException(
                        "TargetNotFoundException",
                        400,
                        "Could not find container instance " + ShapeValidator.clip(arn) + " in cluster "
                                + cluster.name() + "."));
    }

    private List<Requested> requested(ObjectNode in, ClusterRecord cluster, boolean put) {
        JsonNode list = in.path("attributes");
        if (!list.isArray() || list.isEmpty()) {
            throw AwsException.invalidParameter("'attributes' must list at least one attribute.");
        }
        if (put && list.size() > MAX_CUSTOM) {
            throw new AwsException(
                    "AttributeLimitExceededException",
                    400,
                    "You can apply up to " + MAX_CUSTOM + " attributes in one call, got " + list.size() + ".");
        }
        List<Requested> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            ObjectNode a = list.get(k) instanceof ObjectNode o ? o : Json.object();
            String where = "attributes[" + k + "]";
            String name = Params.string(a, "name");
            if (name == null || !name.matches(NAME)) {
                throw AwsException.invalidParameter(where + ": 'name' must be 1-128 letters, numbers, hyphens, "
                        + "underscores, forward or back slashes, or periods, got "
                        + (name == null ? "none" : "'" + ShapeValidator.clip(name) + "'") + ".");
            }
            if (name.startsWith("ecs.")) {
                throw AwsException.invalidParameter(where + ": attribute " + name
                        + " is an Amazon ECS attribute: names starting with 'ecs.' are reserved and cannot be "
                        + (put ? "put" : "deleted") + ".");
            }
            if (name.equals(Capacity.SERVERLESS_ATTRIBUTE)) {
                throw AwsException.invalidParameter(where + ": attribute " + name + " cannot be "
                        + (put ? "put" : "deleted")
                        + ": an agent declares serverless (FARGATE) capacity itself (ballast agent"
                        + " --serverless; a server's own instances unless --no-serverless).");
            }
            if (InstanceRow.agentOwned(name)) {
                // its agent sends it again at every registration: a put or delete would not last
                throw AwsException.invalidParameter(where + ": attribute " + name + " cannot be "
                        + (put ? "put" : "deleted")
                        + ": names starting with 'ballast.' are declared by the instance's agent (other than "
                        + InstanceRow.POOL_ATTRIBUTE + ", a capacity provider's pool).");
            }
            String value = Params.string(a, "value");
            if (put && value != null && (!value.matches(VALUE) || value.startsWith(" ") || value.endsWith(" "))) {
                throw AwsException.invalidParameter(where + ": 'value' must be 1-128 letters, numbers, hyphens, "
                        + "underscores, periods, at signs, slashes, colons or spaces, not starting or ending with a "
                        + "space, got '" + ShapeValidator.clip(value) + "'.");
            }
            String type = Params.string(a, "targetType");
            if (type != null && !type.equals(TARGET_TYPE)) {
                throw AwsException.invalidParameter(
                        where + ": 'targetType' must be " + TARGET_TYPE + ", got '" + ShapeValidator.clip(type) + "'.");
            }
            String target = Params.string(a, "targetId");
            if (target == null) {
                throw AwsException.invalidParameter(
                        where + ": 'targetId' (the container instance's ID or ARN) is required.");
            }
            out.add(new Requested(name, value, instances.instanceArn(cluster, target)));
        }
        return out;
    }

    private JsonNode list(ObjectNode in) {
        ClusterRecord cluster = instances.cluster(in);
        String type = Params.required(in, "targetType");
        if (!type.equals(TARGET_TYPE)) {
            throw AwsException.invalidParameter(
                    "'targetType' must be " + TARGET_TYPE + ", got '" + ShapeValidator.clip(type) + "'.");
        }
        String name = Params.string(in, "attributeName");
        String value = Params.string(in, "attributeValue");
        if (value != null && name == null) {
            throw AwsException.invalidParameter("'attributeValue' can only be given with 'attributeName'.");
        }
        int max = Pagination.maxResults(in, 100, 100);
        JsonNode after = Pagination.after(in, "ListAttributes");
        String afterKey = after == null ? "" : after.path("key").asText();
        List<ObjectNode> found = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        for (Versioned<InstanceRow> v : store.instances().inCluster(cluster.name(), null)) {
            InstanceRow i = v.value();
            for (Map.Entry<String, String> a : new TreeMap<>(attributesOf(i)).entrySet()) {
                String key = i.arn() + "\n" + a.getKey();
                if (key.compareTo(afterKey) <= 0
                        || name != null && !name.equals(a.getKey())
                        || value != null && !value.equals(a.getValue())) {
                    continue;
                }
                if (found.size() == max) {
                    more = true;
                    break;
                }
                found.add(doc(a.getKey(), a.getValue(), i.arn()));
                lastKey = key;
            }
            if (more) {
                break;
            }
        }
        ObjectNode out = Json.object();
        ArrayNode attributes = out.putArray("attributes");
        found.forEach(attributes::add);
        if (more) {
            out.put(
                    "nextToken",
                    Pagination.token("ListAttributes", Json.object().put("key", lastKey)));
        }
        return out;
    }

    private static Map<String, String> attributesOf(InstanceRow i) {
        return i.attributes() == null ? Map.of() : i.attributes();
    }

    private static ArrayNode docs(List<Requested> requested) {
        ArrayNode out = Json.mapper().createArrayNode();
        requested.forEach(r -> out.add(doc(r.name(), r.value(), r.targetArn())));
        return out;
    }

    private static ObjectNode doc(String name, String value, String targetArn) {
        ObjectNode a = Json.object().put("name", name);
        if (value != null) {
            a.put("value", value);
        }
        return a.put("targetType", TARGET_TYPE).put("targetId", targetArn);
    }
}
