package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.lifecycle.ContainerDrift;
import dev.ballast.lifecycle.DriftView;
import dev.ballast.lifecycle.ServiceDrift;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code DescribeDrift} {cluster?, services?}: the drift of the cluster's services (all live ones when {@code
 * services} is left out; at most 100 named), served under {@link LifecycleApi#TARGET_PREFIX}
 * (docs/policy-api.md); also renders the {@code imageDrift} member DescribeServices adds to each service. Reads only
 * the store.
 */
final class DriftOperations {
    private static final Set<String> MEMBERS = Set.of("cluster", "services");

    private final Store store;
    private final LifecycleServices services;

    DriftOperations(LifecycleApi.Context context) {
        this.store = context.store();
        this.services = new LifecycleServices(context.store(), context.account());
    }

    /** Adds DescribeDrift to {@code ops}. */
    void register(Map<String, Operation> ops) {
        ops.put("DescribeDrift", (in, call) -> describe(in));
    }

    private JsonNode describe(ObjectNode in) {
        LifecycleServices.onlyKnown(in, "DescribeDrift", MEMBERS);
        ClusterRecord cluster = services.cluster(Params.text(in, "cluster", false));
        JsonNode named = in.get("services");
        List<ServiceRow> rows;
        if (named == null || named.isNull()) {
            rows = services.all(cluster);
        } else {
            if (!named.isArray()) {
                throw AwsException.serialization("'services' must be a list of strings.");
            }
            if (named.isEmpty() || named.size() > 100) {
                throw AwsException.invalidParameter(
                        "'services' must name between 1 and 100 services, got " + named.size() + ".");
            }
            for (JsonNode n : named) {
                if (!n.isTextual()) {
                    throw AwsException.serialization("'services' must be a list of strings.");
                }
            }
            rows = Params.strings(in, "services").stream()
                    .map(ref -> services.service(cluster, ref))
                    .toList();
        }
        DriftView view = new DriftView(store);
        ArrayNode out = Json.mapper().createArrayNode();
        for (ServiceRow s : rows) {
            ServiceDrift d = view.of(s);
            ObjectNode service = out.addObject()
                    .put("serviceArn", d.serviceArn())
                    .put("serviceName", d.serviceName())
                    .put("clusterArn", d.clusterArn());
            service.setAll(render(d));
        }
        return Json.object().set("services", out);
    }

    /** A service's drift as the API shows it (DescribeDrift's entries, DescribeServices' {@code imageDrift}). */
    static ObjectNode render(ServiceDrift d) {
        ObjectNode out = Json.object()
                .put("drifted", d.drifted())
                .put("unconvergedTaskCount", d.unconvergedTasks().size());
        ArrayNode containers = out.putArray("containers");
        for (ContainerDrift c : d.containers()) {
            ObjectNode row = containers
                    .addObject()
                    .put("containerName", c.containerName())
                    .put("image", c.image())
                    .put("tag", c.tag() == null ? null : c.tag().toString())
                    .put("pinnedDigest", c.pinnedDigest())
                    .put("registryDigest", c.registryDigest());
            if (c.since() != null) {
                row.put("since", TaskDefinitionDocs.seconds(c.since()));
            }
            row.set("platforms", Params.array(c.platforms()));
            if (c.platformDigest() != null) {
                row.put("platformDigest", c.platformDigest());
            }
            row.put("runningTasks", c.runningTasks());
            if (c.convergedTasks() != null) {
                row.put("convergedTasks", c.convergedTasks());
            }
            row.put("converged", c.converged());
            row.set("unconvergedTasks", Params.array(c.unconvergedTasks()));
            row.put("status", c.status().wire());
            row.put("detail", c.detail());
        }
        return out;
    }
}
