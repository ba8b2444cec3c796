package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.core.Names;
import dev.ballast.model.CapacityProviderStatus;
import dev.ballast.schedule.Capacity;
import dev.ballast.store.CapacityProviderRow;
import dev.ballast.store.CapacityProviders;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * CreateCapacityProvider, DescribeCapacityProviders, UpdateCapacityProvider, DeleteCapacityProvider. A provider
 * names a pool of container instances: those registered with the attribute
 * {@value Capacity#GROUP_ATTRIBUTE} equal to the Auto Scaling group name in its
 * {@code autoScalingGroupProvider.autoScalingGroupArn}. Ballast scales no Auto Scaling group, so managed scaling and
 * managed termination protection are refused; FARGATE and FARGATE_SPOT are built in and read-only.
 */
final class CapacityProviderOperations {
    static final String TYPE_POOL = "EC2_AUTOSCALING";
    private static final String ENABLED = "ENABLED";
    private static final String DISABLED = "DISABLED";

    private final Store store;
    private final Account account;
    private final Clock clock;
    private final ClusterOperations clusters;

    CapacityProviderOperations(Store store, Account account, Clock clock, ClusterOperations clusters) {
        this.store = store;
        this.account = account;
        this.clock = clock;
        this.clusters = clusters;
    }

    void register(Map<String, Operation> ops) {
        ops.put("CreateCapacityProvider", (in, call) -> create(in));
        ops.put("DescribeCapacityProviders", (in, call) -> describe(in));
        ops.put("UpdateCapacityProvider", (in, call) -> update(in));
        ops.put("DeleteCapacityProvider", (in, call) -> delete(in));
    }

    String arn(String name) {
        return account.ecsArnPrefix() + "capacity-provider/" + name;
    }

    /** Whether an ARN names an existing capacity provider (tagging). */
    boolean exists(String arn) {
        return name(arn).flatMap(n -> store.capacityProviders().find(n)).isPresent();
    }

    private JsonNode create(ObjectNode in) {
        String name = Params.required(in, "name");
        String lower = name.toLowerCase(Locale.ROOT);
        if (!Names.isValid(name) || lower.startsWith("aws") || lower.startsWith("ecs") || lower.startsWith("fargate")) {
            throw AwsException.invalidParameter("Invalid capacity provider 'name' '" + ShapeValidator.clip(name)
                    + "': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed, "
                    + "and the name can't be prefixed with \"aws\", \"ecs\", or \"fargate\".");
        }
        if (in.has("managedInstancesProvider")) {
            throw unsupported("'managedInstancesProvider' (Amazon ECS Managed Instances) is not served by Ballast: "
                    + "create an autoScalingGroupProvider capacity provider over your own container instances.");
        }
        if (in.has("cluster")) {
            throw AwsException.invalidParameter("'cluster' is only used by Amazon ECS Managed Instances capacity "
                    + "providers, which Ballast does not serve; leave it out and associate the provider with "
                    + "PutClusterCapacityProviders.");
        }
        JsonNode asg = in.path("autoScalingGroupProvider");
        String group = asg.path("autoScalingGroupArn").asText("");
        if (!asg.isObject() || group.isBlank()) {
            throw AwsException.invalidParameter("Missing required parameter 'autoScalingGroupProvider."
                    + "autoScalingGroupArn': the Auto Scaling group (ARN or name) whose container instances "
                    + "(attribute " + Capacity.GROUP_ATTRIBUTE + ") form the pool.");
        }
        ObjectNode doc = Json.object().put("autoScalingGroupArn", group);
        merge(doc, (ObjectNode) asg);
        List<Tags.Tag> tags = Params.tags(in.path("tags"), "tags");
        long now = clock.millis();
        CapacityProviderRow row = new CapacityProviderRow(name, arn(name), group, Json.writeString(doc), now, now);
        Optional<CapacityProviders.Conflict> conflict =
                store.capacityProviders().create(row, tags);
        if (conflict.isPresent()) {
            throw switch (conflict.get()) {
                case NAME ->
                    AwsException.client(
                            "The specified capacity provider already exists. "
                                    + "To change the configuration of an existing capacity provider, update the capacity provider.");
                case AUTO_SCALING_GROUP ->
                    AwsException.client("The specified Auto Scaling group ARN is already being used by another "
                            + "capacity provider. Specify a unique Auto Scaling group ARN and try again.");
            };
        }
        ObjectNode out = render(row, CapacityProviderStatus.ACTIVE, null);
        if (!tags.isEmpty()) {
            out.set("tags", Params.tagsJson(tags));
        }
        return Json.object().set("capacityProvider", out);
    }

    private JsonNode update(ObjectNode in) {
        String name = Params.required(in, "name");
        CapacityProviderRow row = existing(name, "updated");
        if (in.has("managedInstancesProvider")) {
            throw unsupported("'managedInstancesProvider' (Amazon ECS Managed Instances) is not served by Ballast.");
        }
        ObjectNode doc = (ObjectNode) Json.read(row.doc());
        if (in.path("autoScalingGroupProvider").isObject()) {
            merge(doc, (ObjectNode) in.get("autoScalingGroupProvider"));
        }
        CapacityProviderRow updated = row.withDoc(Json.writeString(doc), clock.millis());
        if (!store.capacityProviders().update(updated)) {
            throw notFound();
        }
        return Json.object().set("capacityProvider", render(updated, CapacityProviderStatus.ACTIVE, "UPDATE_COMPLETE"));
    }

    private JsonNode delete(ObjectNode in) {
        String ref = Params.required(in, "capacityProvider");
        String name = name(ref).orElseThrow(CapacityProviderOperations::notFound);
        CapacityProviderRow row = existing(name, "deleted");
        List<String> clusters = store.capacityProviders()
                .deleteUnlessAssociated(name)
                .orElseThrow(CapacityProviderOperations::notFound);
        if (!clusters.isEmpty()) {
            // ECS's reason (it answers DELETE_FAILED); Ballast refuses the call instead, so nothing looks deleted
            throw new AwsException(
                    "ResourceInUseException",
                    400,
                    "The capacity provider cannot be deleted because it is associated with cluster: "
                            + String.join(", ", clusters)
                            + ". Remove the capacity provider from the cluster and try again.");
        }
        return Json.object().set("capacityProvider", render(row, CapacityProviderStatus.INACTIVE, "DELETE_COMPLETE"));
    }

    private JsonNode describe(ObjectNode in) {
        List<String> refs = Params.strings(in, "capacityProviders");
        if (refs.size() > 100) {
            throw AwsException.invalidParameter(
                    "'capacityProviders' can name at most 100 capacity providers, got " + refs.size() + ".");
        }
        boolean tags = Params.strings(in, "include").contains("TAGS");
        List<String> inCluster = in.hasNonNull("cluster")
                ? CapacityStrategies.associated(
                        clusters.active(in.get("cluster").asText()))
                : null;
        ArrayNode providers = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        ObjectNode out = Json.object();
        if (!refs.isEmpty()) {
            for (String ref : refs) {
                Optional<ObjectNode> p = name(ref)
                        .filter(n -> inCluster == null || inCluster.contains(n))
                        .flatMap(n -> described(n, tags));
                if (p.isPresent()) {
                    providers.add(p.get());
                } else {
                    failures.addObject()
                            .put("arn", ref.startsWith("arn:") ? ref : arn(ref))
                            .put("reason", "MISSING");
                }
            }
        } else {
            int max = Pagination.maxResults(in, 10, 10);
            JsonNode after = Pagination.after(in, "DescribeCapacityProviders");
            String last = after == null ? null : after.path("name").asText();
            List<String> names = new ArrayList<>();
            int builtInFrom = last == null ? 0 : CapacityProviders.BUILT_IN.indexOf(last) + 1;
            if (last == null || CapacityProviders.isBuiltIn(last)) {
                names.addAll(CapacityProviders.BUILT_IN.subList(builtInFrom, CapacityProviders.BUILT_IN.size()));
            }
            String rowsAfter = last == null || CapacityProviders.isBuiltIn(last) ? null : last;
            // filtering by cluster happens after paging the rows: a page may then hold fewer than max
            store.capacityProviders().list(rowsAfter, max + 1).forEach(r -> names.add(r.name()));
            List<String> page = names.stream().limit(max).toList();
            page.stream()
                    .filter(n -> inCluster == null || inCluster.contains(n))
                    .map(n -> described(n, tags))
                    .flatMap(Optional::stream)
                    .forEach(providers::add);
            if (names.size() > max) {
                out.put(
                        "nextToken",
                        Pagination.token(
                                "DescribeCapacityProviders", Json.object().put("name", page.getLast())));
            }
        }
        out.set("capacityProviders", providers);
        out.set("failures", failures);
        return out;
    }

    private Optional<ObjectNode> described(String name, boolean tags) {
        if (CapacityProviders.isBuiltIn(name)) {
            ObjectNode p = Json.object()
                    .put("capacityProviderArn", arn(name))
                    .put("name", name)
                    .put("status", CapacityProviderStatus.ACTIVE.wire())
                    .put("type", name);
            if (tags) {
                p.putArray("tags");
            }
            return Optional.of(p);
        }
        return store.capacityProviders().find(name).map(r -> {
            ObjectNode p = render(r, CapacityProviderStatus.ACTIVE, null);
            if (tags) {
                p.set("tags", Params.tagsJson(store.tags().list(r.arn())));
            }
            return p;
        });
    }

    private ObjectNode render(CapacityProviderRow r, CapacityProviderStatus status, String updateStatus) {
        ObjectNode p = Json.object()
                .put("capacityProviderArn", r.arn())
                .put("name", r.name())
                .put("status", status.wire());
        p.set("autoScalingGroupProvider", Json.read(r.doc()));
        if (updateStatus != null) {
            p.put("updateStatus", updateStatus);
        }
        p.put("type", TYPE_POOL);
        return p;
    }

    /** The provider a name or ARN denotes; built-in ones are refused (they cannot be changed). */
    private CapacityProviderRow existing(String name, String verb) {
        if (CapacityProviders.isBuiltIn(name)) {
            throw AwsException.client("The " + name + " capacity provider is reserved and can't be " + verb + ".");
        }
        return store.capacityProviders().find(name).orElseThrow(CapacityProviderOperations::notFound);
    }

    /** The name a short name or capacity provider ARN of this account denotes. */
    private Optional<String> name(String ref) {
        String prefix = account.ecsArnPrefix() + "capacity-provider/";
        if (ref.startsWith("arn:")) {
            return ref.startsWith(prefix) ? Optional.of(ref.substring(prefix.length())) : Optional.empty();
        }
        return Optional.of(ref);
    }

    /**
     * Merges requested {@code managedScaling}, {@code managedTerminationProtection} and {@code managedDraining}
     * over {@code doc}, with ECS's defaults; managed scaling and managed termination protection ENABLED are refused.
     */
    private static void merge(ObjectNode doc, ObjectNode requested) {
        JsonNode scaling = requested.path("managedScaling");
        if (ENABLED.equals(scaling.path("status").asText())) {
            throw unsupported("managedScaling status ENABLED is not served by Ballast: managed scaling of Auto "
                    + "Scaling groups is out of scope (Ballast scales no group). Set managedScaling.status to "
                    + "DISABLED (or leave managedScaling out) and add container instances to the pool yourself.");
        }
        if (ENABLED.equals(requested.path("managedTerminationProtection").asText())) {
            throw unsupported("managedTerminationProtection ENABLED is not served by Ballast: it needs managed "
                    + "scaling of Auto Scaling groups, which is out of scope. Set it to DISABLED or leave it out.");
        }
        ObjectNode s = doc.path("managedScaling").isObject()
                ? (ObjectNode) doc.get("managedScaling")
                : Json.object()
                        .put("status", DISABLED)
                        .put("targetCapacity", 100)
                        .put("minimumScalingStepSize", 1)
                        .put("maximumScalingStepSize", 10000)
                        .put("instanceWarmupPeriod", 300);
        if (scaling.isObject()) {
            scaling.properties().forEach(e -> s.set(e.getKey(), e.getValue()));
        }
        s.put("status", DISABLED);
        doc.set("managedScaling", s);
        doc.put("managedTerminationProtection", DISABLED);
        if (requested.has("managedDraining")) {
            doc.set("managedDraining", requested.get("managedDraining"));
        }
    }

    private static AwsException unsupported(String message) {
        return new AwsException("UnsupportedFeatureException", 400, message);
    }

    private static AwsException notFound() {
        return AwsException.client(
                "The specified capacity provider does not exist. Specify a valid name or ARN and try again.");
    }
}
