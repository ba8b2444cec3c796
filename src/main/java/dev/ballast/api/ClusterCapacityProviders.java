package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.store.CapacityProviders;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.Store;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PutClusterCapacityProviders, and the checks CreateCluster shares with it: a cluster's {@code capacityProviders}
 * (each built in or created, each once) and its {@code defaultCapacityProviderStrategy} over them.
 */
final class ClusterCapacityProviders {
    private final Store store;
    private final ClusterOperations clusters;

    ClusterCapacityProviders(Store store, ClusterOperations clusters) {
        this.store = store;
        this.clusters = clusters;
    }

    void register(Map<String, Operation> ops) {
        ops.put("PutClusterCapacityProviders", (in, call) -> putClusterProviders(in));
    }

    /**
     * Checks a cluster's {@code capacityProviders} (each built in or created, each once) and its default strategy
     * against them; returns the strategy with ECS's defaults written out.
     */
    static ArrayNode checkedClusterProviders(Store store, List<String> providers, JsonNode defaultStrategy) {
        Set<String> seen = new HashSet<>();
        for (String p : providers) {
            if (!seen.add(p)) {
                throw AwsException.invalidParameter(
                        "'capacityProviders' names capacity provider " + ShapeValidator.clip(p) + " more than once.");
            }
            if (!CapacityProviders.isBuiltIn(p)
                    && store.capacityProviders().find(p).isEmpty()) {
                throw providerNotFound();
            }
        }
        return CapacityStrategies.checked(defaultStrategy, CapacityStrategies.DEFAULT_STRATEGY, providers);
    }

    /** ECS's text for a cluster association naming a provider that does not exist. */
    static AwsException providerNotFound() {
        return AwsException.invalidParameter(
                "The specified capacity provider was not found. Specify a valid capacity provider and try again.");
    }

    /**
     * PutClusterCapacityProviders: replaces the cluster's providers and default strategy. A provider that live
     * tasks were placed through, or that a service's strategy names, cannot be removed.
     */
    private JsonNode putClusterProviders(ObjectNode in) {
        ClusterRecord cluster = clusters.active(Params.required(in, "cluster"));
        if (!in.has(CapacityStrategies.PROVIDERS) || !in.has(CapacityStrategies.DEFAULT_STRATEGY)) {
            throw AwsException.invalidParameter("PutClusterCapacityProviders needs both 'capacityProviders' and "
                    + "'defaultCapacityProviderStrategy' (an empty list for none).");
        }
        List<String> providers = Params.strings(in, CapacityStrategies.PROVIDERS);
        ArrayNode strategy = checkedClusterProviders(store, providers, in.get(CapacityStrategies.DEFAULT_STRATEGY));
        ObjectNode doc = (ObjectNode) Json.read(cluster.doc());
        doc.set(CapacityStrategies.PROVIDERS, Params.array(providers));
        doc.set(CapacityStrategies.DEFAULT_STRATEGY, strategy);
        try {
            if (!store.capacityProviders().putClusterProviders(cluster.name(), Json.writeString(doc), providers)) {
                throw AwsException.clusterNotFound();
            }
        } catch (CapacityProviders.MissingProviderException e) {
            throw providerNotFound();
        } catch (CapacityProviders.ProviderInUseException e) {
            // decided under the placement lock, so a task placed meanwhile is seen; ECS's text
            throw new AwsException(
                    "ResourceInUseException", 400, "The specified capacity provider is in use and cannot be removed.");
        }
        ClusterRecord updated = store.clusters().find(cluster.name()).orElseThrow(AwsException::clusterNotFound);
        return Json.object().set("cluster", clusters.rendered(updated));
    }
}
