package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.core.Names;
import dev.ballast.model.ClusterStatus;
import dev.ballast.model.Mode;
import dev.ballast.resolve.PolicyLoader;
import dev.ballast.store.CapacityProviders;
import dev.ballast.store.ClusterCounts;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** CreateCluster, DescribeClusters, ListClusters, DeleteCluster, UpdateCluster, UpdateClusterSettings. */
final class ClusterOperations {
    static final String DEFAULT_CLUSTER = "default";
    /**
     * Cluster setting name → accepted values. {@code versionConsistency} is Ballast's cluster default, in the
     * policy's one vocabulary ({@link Mode#VALUES}).
     */
    private static final Map<String, List<String>> SETTINGS =
            Map.of("containerInsights", List.of("enabled", "disabled", "enhanced"), PolicyLoader.SETTING, Mode.VALUES);

    private final Store store;
    private final Account account;
    private final ResourceRefs refs;

    ClusterOperations(Store store, Account account) {
        this.store = store;
        this.account = account;
        this.refs = new ResourceRefs(account);
    }

    void register(Map<String, Operation> ops) {
        ops.put("CreateCluster", (in, call) -> create(in));
        ops.put("DescribeClusters", (in, call) -> describe(in));
        ops.put("ListClusters", (in, call) -> list(in));
        ops.put("DeleteCluster", (in, call) -> delete(in));
        ops.put("UpdateCluster", (in, call) -> update(in, true));
        ops.put("UpdateClusterSettings", (in, call) -> update(in, false));
    }

    private JsonNode create(ObjectNode in) {
        String name = Optional.ofNullable(Params.string(in, "clusterName")).orElse(DEFAULT_CLUSTER);
        if (!Names.isValid(name)) {
            throw AwsException.invalidParameter("Invalid 'clusterName' '" + ShapeValidator.clip(name)
                    + "': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }
        List<Tags.Tag> tags = Params.tags(in.path("tags"), "tags");
        ObjectNode doc = Json.object();
        doc.set("settings", settings(in.path("settings"), Json.mapper().createArrayNode()));
        copy(in, doc, "configuration");
        if (in.has("serviceConnectDefaults")) {
            doc.set("serviceConnectDefaults", in.get("serviceConnectDefaults"));
        }
        List<String> providers = Params.strings(in, CapacityStrategies.PROVIDERS);
        if (in.has(CapacityStrategies.PROVIDERS) || in.has(CapacityStrategies.DEFAULT_STRATEGY)) {
            doc.set(CapacityStrategies.PROVIDERS, Params.array(providers));
            doc.set(
                    CapacityStrategies.DEFAULT_STRATEGY,
                    ClusterCapacityProviders.checkedClusterProviders(
                            store, providers, in.path(CapacityStrategies.DEFAULT_STRATEGY)));
        }
        ClusterRecord c;
        try {
            c = store.clusters().createOrGet(name, account.clusterArn(name), Json.writeString(doc), tags, providers);
        } catch (CapacityProviders.MissingProviderException e) {
            throw ClusterCapacityProviders.providerNotFound();
        }
        return Json.object().set("cluster", render(c, Set.of("TAGS", "SETTINGS", "CONFIGURATIONS")));
    }

    private JsonNode describe(ObjectNode in) {
        List<String> names = Params.strings(in, "clusters");
        if (names.isEmpty()) {
            names = List.of(DEFAULT_CLUSTER);
        }
        if (names.size() > 100) {
            throw AwsException.invalidParameter("'clusters' can name at most 100 clusters, got " + names.size() + ".");
        }
        Set<String> include = new HashSet<>(Params.strings(in, "include"));
        ArrayNode clusters = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String ref : names) {
            Optional<String> name = refs.clusterName(ref);
            Optional<ClusterRecord> c = name.flatMap(n -> store.clusters().find(n));
            if (c.isPresent()) {
                clusters.add(render(c.get(), include));
            } else {
                failures.addObject()
                        .put("arn", name.map(account::clusterArn).orElse(ref))
                        .put("reason", "MISSING");
            }
        }
        ObjectNode out = Json.object();
        out.set("clusters", clusters);
        out.set("failures", failures);
        return out;
    }

    private JsonNode list(ObjectNode in) {
        int max = Pagination.maxResults(in, 100, 100);
        JsonNode after = Pagination.after(in, "ListClusters");
        List<String> names = store.clusters()
                .listActive(after == null ? null : after.path("name").asText(), max + 1);
        ObjectNode out = Json.object();
        out.set(
                "clusterArns",
                Params.array(names.stream().limit(max).map(account::clusterArn).toList()));
        if (names.size() > max) {
            out.put("nextToken", Pagination.token("ListClusters", Json.object().put("name", names.get(max - 1))));
        }
        return out;
    }

    private JsonNode delete(ObjectNode in) {
        ClusterRecord c = active(Params.required(in, "cluster"));
        ClusterCounts held = store.clusters().deactivateIfEmpty(c.name()).orElseThrow(AwsException::clusterNotFound);
        // ECS's own messages for a cluster that still holds something (checked in this order).
        if (held.instances() > 0) {
            throw new AwsException(
                    "ClusterContainsContainerInstancesException",
                    400,
                    "The Cluster cannot be deleted while Container Instances are active or draining.");
        }
        if (held.activeServices() + held.drainingServices() > 0) {
            throw new AwsException(
                    "ClusterContainsServicesException",
                    400,
                    "The Cluster cannot be deleted while Services are active.");
        }
        if (held.liveTasks() > 0) {
            throw new AwsException(
                    "ClusterContainsTasksException", 400, "The Cluster cannot be deleted while Tasks are active.");
        }
        ClusterRecord gone = new ClusterRecord(
                c.name(), c.arn(), ClusterStatus.INACTIVE.wire(), c.doc(), c.createdAt(), c.updatedAt());
        return Json.object().set("cluster", render(gone, ClusterCounts.NONE, Set.of("SETTINGS", "CONFIGURATIONS")));
    }

    /** UpdateCluster (settings, configuration, serviceConnectDefaults) or UpdateClusterSettings (settings only). */
    private JsonNode update(ObjectNode in, boolean full) {
        ClusterRecord c = active(Params.required(in, "cluster"));
        if (!full && !in.has("settings")) {
            throw AwsException.invalidParameter("Missing required parameter 'settings'.");
        }
        ObjectNode doc = (ObjectNode) Json.read(c.doc());
        if (in.has("settings")) {
            doc.set("settings", settings(in.get("settings"), (ArrayNode) doc.path("settings")));
        }
        if (full) {
            copy(in, doc, "configuration", "serviceConnectDefaults");
        }
        if (!store.clusters().updateDoc(c.name(), Json.writeString(doc))) {
            throw AwsException.clusterNotFound();
        }
        ClusterRecord updated = store.clusters().find(c.name()).orElseThrow(AwsException::clusterNotFound);
        return Json.object().set("cluster", render(updated, Set.of("SETTINGS", "CONFIGURATIONS")));
    }

    /** The cluster as UpdateCluster answers it (PutClusterCapacityProviders). */
    ObjectNode rendered(ClusterRecord c) {
        return render(c, Set.of("SETTINGS", "CONFIGURATIONS"));
    }

    /** The ACTIVE cluster a {@code cluster} parameter names (short name or ARN). */
    ClusterRecord active(String ref) {
        return refs.clusterName(ref)
                .flatMap(n -> store.clusters().find(n))
                .filter(c -> c.status().equals(ClusterStatus.ACTIVE.wire()))
                .orElseThrow(AwsException::clusterNotFound);
    }

    /** Merges requested settings into current ones by name, checking names and values. */
    private static ArrayNode settings(JsonNode requested, ArrayNode current) {
        Map<String, String> merged = new LinkedHashMap<>();
        current.forEach(s -> merged.put(s.path("name").asText(), s.path("value").asText()));
        for (JsonNode s : requested) {
            String name = s.path("name").asText("");
            String value = s.path("value").asText("");
            List<String> accepted = SETTINGS.get(name);
            if (accepted == null) {
                throw AwsException.invalidParameter("Invalid cluster setting name '" + ShapeValidator.clip(name)
                        + "'. Accepted names: containerInsights, versionConsistency.");
            }
            if (!accepted.contains(value)) {
                throw AwsException.invalidParameter(
                        "Invalid value '" + ShapeValidator.clip(value) + "' for cluster setting '"
                                + name + "'. "
                                + (name.equals(PolicyLoader.SETTING)
                                        ? Mode.accepted()
                                        : "Accepted values: " + String.join(", ", accepted) + "."));
            }
            merged.put(name, value);
        }
        ArrayNode out = Json.mapper().createArrayNode();
        merged.forEach((k, v) -> out.addObject().put("name", k).put("value", v));
        return out;
    }

    private static void stat(ArrayNode stats, String name, int value) {
        stats.addObject().put("name", name).put("value", Integer.toString(value));
    }

    private static void copy(ObjectNode from, ObjectNode to, String... members) {
        for (String m : members) {
            if (from.has(m)) {
                to.set(m, from.get(m));
            }
        }
    }

    private ObjectNode render(ClusterRecord c, Set<String> include) {
        return render(
                c,
                c.status().equals(ClusterStatus.ACTIVE.wire())
                        ? store.clusters().counts(c.name())
                        : ClusterCounts.NONE,
                include);
    }

    private ObjectNode render(ClusterRecord c, ClusterCounts counts, Set<String> include) {
        ObjectNode doc = (ObjectNode) Json.read(c.doc());
        ObjectNode out = Json.object();
        out.put("clusterArn", c.arn());
        out.put("clusterName", c.name());
        if (doc.has("configuration")) {
            out.set("configuration", doc.get("configuration"));
        }
        out.put("status", c.status());
        out.put("registeredContainerInstancesCount", counts.instances());
        out.put("runningTasksCount", counts.runningTasks());
        out.put("pendingTasksCount", counts.pendingTasks());
        out.put("activeServicesCount", counts.activeServices());
        if (include.contains("STATISTICS")) {
            // By launch type, as ECS names them: FARGATE tasks and services, and the rest (EC2)
            FargateCounts fargate =
                    counts == ClusterCounts.NONE ? new FargateCounts(0, 0, 0, 0) : FargateCounts.of(store, c.name());
            ArrayNode stats = out.putArray("statistics");
            stat(stats, "runningEC2TasksCount", Math.max(0, counts.runningTasks() - fargate.runningTasks()));
            stat(stats, "runningFargateTasksCount", fargate.runningTasks());
            stat(stats, "pendingEC2TasksCount", Math.max(0, counts.pendingTasks() - fargate.pendingTasks()));
            stat(stats, "pendingFargateTasksCount", fargate.pendingTasks());
            stat(stats, "activeEC2ServiceCount", Math.max(0, counts.activeServices() - fargate.activeServices()));
            stat(stats, "activeFargateServiceCount", fargate.activeServices());
            stat(stats, "drainingEC2ServiceCount", Math.max(0, counts.drainingServices() - fargate.drainingServices()));
            stat(stats, "drainingFargateServiceCount", fargate.drainingServices());
        }
        if (include.contains("TAGS")) {
            out.set("tags", Params.tagsJson(store.tags().list(c.arn())));
        }
        out.set(
                "settings",
                doc.path("settings").isArray()
                        ? doc.get("settings")
                        : Json.mapper().createArrayNode());
        out.set(
                "capacityProviders",
                doc.path("capacityProviders").isArray()
                        ? doc.get("capacityProviders")
                        : Json.mapper().createArrayNode());
        out.set(
                "defaultCapacityProviderStrategy",
                doc.path("defaultCapacityProviderStrategy").isArray()
                        ? doc.get("defaultCapacityProviderStrategy")
                        : Json.mapper().createArrayNode());
        if (doc.has("serviceConnectDefaults")) {
            out.set("serviceConnectDefaults", doc.get("serviceConnectDefaults"));
        }
        return out;
    }
}
