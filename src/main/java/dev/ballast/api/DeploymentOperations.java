package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** DescribeServiceRevisions, ListServiceDeployments, DescribeServiceDeployments. */
final class DeploymentOperations {
    private final Store store;
    private final ServiceOperations services;
    private final ServiceDocs docs;

    DeploymentOperations(Store store, ServiceOperations services) {
        this.store = store;
        this.services = services;
        this.docs = new ServiceDocs(store);
    }

    void register(Map<String, Operation> ops) {
        ops.put("DescribeServiceRevisions", (in, call) -> revisions(in));
        ops.put("ListServiceDeployments", (in, call) -> list(in));
        ops.put("DescribeServiceDeployments", (in, call) -> describe(in));
    }

    private JsonNode revisions(ObjectNode in) {
        List<String> arns = Params.strings(in, "serviceRevisionArns");
        if (arns.isEmpty() || arns.size() > 20) {
            throw AwsException.invalidParameter(
                    "'serviceRevisionArns' must name between 1 and 20 revisions, got " + arns.size() + ".");
        }
        ArrayNode revisions = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String arn : arns) {
            Optional<RevisionRow> r = store.revisions().find(arn).map(Versioned::value);
            if (r.isPresent()) {
                revisions.add(docs.revision(r.get()));
            } else {
                failures.addObject().put("arn", arn).put("reason", "MISSING");
            }
        }
        ObjectNode out = Json.object();
        out.set("serviceRevisions", revisions);
        out.set("failures", failures);
        return out;
    }

    private JsonNode list(ObjectNode in) {
        ServiceRow service = services.find(Params.string(in, "cluster"), Params.required(in, "service"))
                .value();
        int max = Pagination.maxResults(in, 100, 20);
        Set<String> statuses = Set.copyOf(Params.strings(in, "status"));
        JsonNode createdAt = in.path("createdAt");
        JsonNode after = Pagination.after(in, "ListServiceDeployments");
        List<DeploymentRow> rows = store.deployments().ofService(service.arn()).stream()
                .map(Versioned::value)
                .filter(d -> statuses.isEmpty() || statuses.contains(d.lifecycle()))
                .filter(d -> !createdAt.has("before")
                        || d.createdAt() / 1000.0 < createdAt.get("before").asDouble())
                .filter(d -> !createdAt.has("after")
                        || d.createdAt() / 1000.0 > createdAt.get("after").asDouble())
                .toList();
        int from = after == null ? 0 : after.path("index").asInt();
        ArrayNode out = Json.mapper().createArrayNode();
        rows.stream().skip(from).limit(max).forEach(d -> out.add(docs.deploymentBrief(d)));
        ObjectNode result = Json.object();
        result.set("serviceDeployments", out);
        if (from + max < rows.size()) {
            result.put(
                    "nextToken",
                    Pagination.token("ListServiceDeployments", Json.object().put("index", from + max)));
        }
        return result;
    }

    private JsonNode describe(ObjectNode in) {
        List<String> arns = Params.strings(in, "serviceDeploymentArns");
        if (arns.isEmpty() || arns.size() > 20) {
            throw AwsException.invalidParameter(
                    "'serviceDeploymentArns' must name between 1 and 20 deployments, got " + arns.size() + ".");
        }
        ArrayNode deployments = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String arn : arns) {
            Optional<DeploymentRow> d = store.deployments().findByArn(arn).map(Versioned::value);
            if (d.isPresent()) {
                int desired = store.services()
                        .find(d.get().serviceArn())
                        .map(s -> s.value().desiredCount())
                        .orElse(0);
                deployments.add(docs.deployment(d.get(), desired));
            } else {
                failures.addObject().put("arn", arn).put("reason", "MISSING");
            }
        }
        ObjectNode out = Json.object();
        out.set("serviceDeployments", deployments);
        out.set("failures", failures);
        return out;
    }
}
