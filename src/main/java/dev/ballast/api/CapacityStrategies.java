package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.ModelJson;
import dev.ballast.model.LaunchType;
import dev.ballast.model.SchedulingStrategy;
import dev.ballast.store.CapacityProviders;
import dev.ballast.store.ClusterRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * ECS's rules for a {@code capacityProviderStrategy} (RunTask, CreateService, UpdateService) and a cluster's
 * {@code defaultCapacityProviderStrategy} (CreateCluster, PutClusterCapacityProviders): at most 20 entries, each
 * provider once and associated with the cluster, weight 0..1000, base 0..100000, at most one entry with a base,
 * some weight above zero when there are several, and FARGATE / FARGATE_SPOT not mixed with pool providers. A
 * request that names neither a launch type nor a strategy gets the cluster's default strategy, as on ECS.
 */
final class CapacityStrategies {
    static final String STRATEGY = "capacityProviderStrategy";
    static final String DEFAULT_STRATEGY = "defaultCapacityProviderStrategy";
    static final String PROVIDERS = "capacityProviders";
    private static final int MAX_ENTRIES = 20;

    private CapacityStrategies() {}

    /**
     * The strategy {@code strategy} (member {@code member}) checked against the providers associated with a
     * cluster, with ECS's defaults (weight 0, base 0) written out; empty when it is absent or empty.
     */
    static ArrayNode checked(JsonNode strategy, String member, Collection<String> associated) {
        ArrayNode out = Json.mapper().createArrayNode();
        if (strategy == null || !strategy.isArray()) {
            return out;
        }
        if (strategy.size() > MAX_ENTRIES) {
            throw AwsException.invalidParameter("'" + member + "' can contain at most " + MAX_ENTRIES
                    + " capacity providers, got " + strategy.size() + ".");
        }
        Set<String> seen = new HashSet<>();
        int withBase = 0;
        int weighted = 0;
        boolean fargate = false;
        boolean pool = false;
        for (JsonNode item : strategy) {
            String provider = item.path("capacityProvider").asText("");
            int weight = item.path("weight").asInt(0);
            int base = item.path("base").asInt(0);
            if (provider.isEmpty()) {
                throw AwsException.invalidParameter("Each '" + member + "' entry must name a 'capacityProvider'.");
            }
            if (weight < 0 || weight > 1000) {
                throw AwsException.invalidParameter("'" + member + "' weight of capacity provider "
                        + ShapeValidator.clip(provider) + " must be between 0 and 1000, got " + weight + ".");
            }
            if (base < 0 || base > 100000) {
                throw AwsException.invalidParameter("'" + member + "' base of capacity provider "
                        + ShapeValidator.clip(provider) + " must be between 0 and 100000, got " + base + ".");
            }
            if (!seen.add(provider)) {
                throw AwsException.invalidParameter("'" + member + "' names capacity provider "
                        + ShapeValidator.clip(provider) + " more than once.");
            }
            if (!associated.contains(provider)) {
                // ECS's text
                throw AwsException.invalidParameter(
                        "The specified capacity provider strategy cannot contain a capacity provider that is not "
                                + "associated with the cluster. Associate the capacity provider with the cluster or "
                                + "specify a valid capacity provider and try again.");
            }
            withBase += base > 0 ? 1 : 0;
            weighted += weight > 0 ? 1 : 0;
            fargate |= CapacityProviders.isBuiltIn(provider);
            pool |= !CapacityProviders.isBuiltIn(provider);
            out.addObject()
                    .put("capacityProvider", provider)
                    .put("weight", weight)
                    .put("base", base);
        }
        if (withBase > 1) {
            throw AwsException.invalidParameter("Only one capacity provider in '" + member
                    + "' can have a base defined (a base greater than 0); " + withBase + " do.");
        }
        if (strategy.size() > 1 && weighted == 0) {
            throw AwsException.invalidParameter("At least one capacity provider in '" + member
                    + "' must have a weight greater than 0 when it names several: capacity providers with weight "
                    + "0 cannot place tasks beyond their base.");
        }
        if (fargate && pool) {
            // ECS's text
            throw AwsException.invalidParameter(
                    "A capacity provider strategy cannot contain a mix of capacity providers using Auto Scaling "
                            + "groups and Fargate providers. Specify one or the other and try again.");
        }
        return out;
    }

    /** The providers a cluster's document lists as associated. */
    static List<String> associated(ClusterRecord cluster) {
        return associated((ObjectNode) Json.read(cluster.doc()));
    }

    static List<String> associated(ObjectNode clusterDoc) {
        List<String> out = new ArrayList<>();
        clusterDoc.path(PROVIDERS).forEach(p -> out.add(p.asText()));
        return out;
    }

    /**
     * Checks RunTask's or CreateService's launch members on {@code cluster}, and writes the strategy it will use
     * into {@code in}: its own (with defaults written out), or, when it names neither a launch type nor a
     * strategy, the cluster's default strategy (a service stores it as its own, as on ECS).
     */
    static void applyToRequest(ClusterRecord cluster, ObjectNode in) {
        ObjectNode doc = (ObjectNode) Json.read(cluster.doc());
        boolean hasStrategy = in.path(STRATEGY).isArray() && !in.path(STRATEGY).isEmpty();
        if (hasStrategy && in.hasNonNull("launchType")) {
            // ECS's text
            throw AwsException.invalidParameter("Specifying both a launch type and capacity provider strategy is "
                    + "not supported. Remove one and try again.");
        }
        boolean daemon = SchedulingStrategy.DAEMON
                .wire()
                .equals(in.path("schedulingStrategy").asText());
        if (hasStrategy && daemon) {
            throw AwsException.invalidParameter("'capacityProviderStrategy' is not supported for services with the "
                    + "DAEMON scheduling strategy: a DAEMON service runs one task on each instance that satisfies its "
                    + "placement constraints.");
        }
        if (daemon) {
            in.remove(STRATEGY); // one task per instance: the cluster's default strategy does not apply
        } else if (hasStrategy) {
            in.set(STRATEGY, checked(in.get(STRATEGY), STRATEGY, associated(doc)));
        } else if (!in.hasNonNull("launchType")
                && doc.path(DEFAULT_STRATEGY).isArray()
                && !doc.path(DEFAULT_STRATEGY).isEmpty()) {
            in.set(STRATEGY, doc.get(DEFAULT_STRATEGY).deepCopy());
        } else {
            in.remove(STRATEGY);
        }
    }

    /** RunTask's launch members on {@code cluster}, checked, with the cluster's default strategy when it names none. */
    static ObjectNode withClusterDefault(ClusterRecord cluster, ObjectNode in) {
        ObjectNode copy = in.deepCopy();
        applyToRequest(cluster, copy);
        return copy;
    }

    /**
     * UpdateService's {@code capacityProviderStrategy}, applied to the service's configuration {@code spec}: a
     * non-empty strategy (checked against the service's cluster) replaces the launch type; an empty one goes
     * back to the EC2 launch type. Absent: nothing changes.
     */
    static void applyToUpdate(ClusterRecord cluster, ObjectNode in, ObjectNode spec) {
        if (!in.has(STRATEGY)) {
            return;
        }
        ArrayNode strategy = checked(in.get(STRATEGY), STRATEGY, associated(cluster));
        if (!strategy.isEmpty() && ModelJson.schedulingStrategy(spec) == SchedulingStrategy.DAEMON) {
            throw AwsException.invalidParameter(
                    "'capacityProviderStrategy' is not supported for services with the DAEMON scheduling strategy.");
        }
        if (strategy.isEmpty()) {
            spec.remove(STRATEGY);
            if (!spec.hasNonNull("launchType")) {
                spec.put("launchType", LaunchType.EC2.wire());
            }
        } else {
            spec.set(STRATEGY, strategy);
            spec.remove("launchType");
        }
    }
}
