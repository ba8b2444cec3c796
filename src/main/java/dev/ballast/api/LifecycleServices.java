package dev.ballast.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Service and cluster lookups of the lifecycle extension operations, with ECS's errors: an unknown or inactive
 * cluster is {@code ClusterNotFoundException}, an unknown service {@code ServiceNotFoundException}. A missing
 * {@code cluster} means ECS's {@code default} cluster.
 */
final class LifecycleServices {
    private final Store store;
    private final Account account;
    private final ClusterOperations clusters;

    LifecycleServices(Store store, Account account) {
        this.store = store;
        this.account = account;
        this.clusters = new ClusterOperations(store, account);
    }

    /** The ACTIVE cluster {@code ref} names (short name or ARN), ECS's {@code default} when null. */
    ClusterRecord cluster(String ref) {
        return clusters.active(ref == null ? ClusterOperations.DEFAULT_CLUSTER : ref);
    }

    /** The live service {@code serviceRef} (name or ARN) names in the cluster. */
    ServiceRow service(ClusterRecord cluster, String serviceRef) {
        String name =
                serviceRef.startsWith("arn:") ? serviceRef.substring(serviceRef.lastIndexOf('/') + 1) : serviceRef;
        if (serviceRef.startsWith("arn:") && !serviceRef.equals(account.serviceArn(cluster.name(), name))) {
            throw serviceNotFound(serviceRef);
        }
        return store.services()
                .live(cluster.name(), name)
                .map(Versioned::value)
                .orElseThrow(() -> serviceNotFound(serviceRef));
    }

    /** Every live service of the cluster, in name order. */
    List<ServiceRow> all(ClusterRecord cluster) {
        List<ServiceRow> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<ServiceRow> page = store.services().list(cluster.name(), after, 500);
            out.addAll(page);
            if (page.size() < 500) {
                return out;
            }
            after = page.getLast().name();
        }
    }

    /** Refuses members an extension operation does not know (a misspelt option must not be ignored silently). */
    static void onlyKnown(ObjectNode in, String operation, Set<String> known) {
        in.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                throw AwsException.invalidParameter(
                        "Unknown parameter '" + ShapeValidator.clip(f) + "': " + operation + " accepts "
                                + String.join(", ", known.stream().sorted().toList()) + ".");
            }
        });
    }

    private static AwsException serviceNotFound(String ref) {
        return new AwsException(
                "ServiceNotFoundException", 400, "Service not found: '" + ShapeValidator.clip(ref) + "'.");
    }
}
