package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.remote.JsonApiClient;
import dev.ballast.api.EcsApi;
import dev.ballast.api.Json;
import dev.ballast.api.LifecycleAuditOperations;
import dev.ballast.api.PolicyOperations;
import dev.ballast.core.ModelJson;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskDefinitionStatus;
import dev.ballast.resolve.Decision;
import dev.ballast.resolve.ServerAudit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The live side of {@code ballast audit --live}: the server's ACTIVE task definitions (newest revision per family,
 * or all), each with the decisions of the server's own policy (ExplainPolicy, docs/policy-api.md), SigV4-signed like
 * the AWS CLI.
 */
final class LiveAudit {
    private final JsonApiClient client;
    private final String cluster;

    /**
     * @param cluster the cluster whose rules and setting take part (name or ARN), or null for the account's only
     */
    LiveAudit(JsonApiClient client, String cluster) {
        this.client = client;
        this.cluster = cluster;
    }

    /**
     * A task definition as the server has it, with the server's decision per container name.
     *
     * @param cluster the cluster ARN ExplainPolicy named, or null
     */
    record Explained(TaskDefinition definition, String cluster, Map<String, Decision> decisions) {}

    /**
     * The ARNs of the ACTIVE task definitions: every revision, or the newest of each family, sorted by family then
     * revision ({@link ServerAudit#selectRevisions}).
     *
     * @throws JsonApiClient.Failure when the server answers with an error or cannot be reached
     */
    List<String> taskDefinitionArns(boolean allRevisions) {
        List<String> arns = new ArrayList<>();
        String token = null;
        do {
            ObjectNode in = Json.object().put("status", TaskDefinitionStatus.ACTIVE.wire());
            if (token != null) {
                in.put("nextToken", token);
            }
            JsonNode page = client.call(EcsApi.TARGET_PREFIX, "ListTaskDefinitions", in);
            page.path("taskDefinitionArns").forEach(arn -> arns.add(arn.asText()));
            token = page.path("nextToken").asText(null);
        } while (token != null);
        return ServerAudit.selectRevisions(arns, allRevisions);
    }

    /** The task definition {@code arn} and the server's policy decision for each of its containers. */
    Explained explain(String arn) {
        JsonNode described = client.call(
                EcsApi.TARGET_PREFIX, "DescribeTaskDefinition", Json.object().put("taskDefinition", arn));
        TaskDefinition definition = ModelJson.taskDefinition(described.path("taskDefinition"));
        ObjectNode in = Json.object().put("taskDefinition", arn);
        if (cluster != null) {
            in.put("cluster", cluster);
        }
        JsonNode explained = client.call(PolicyOperations.TARGET_PREFIX, "ExplainPolicy", in);
        Map<String, Decision> decisions = new LinkedHashMap<>();
        for (JsonNode c : explained.path("containers")) {
            decisions.put(
                    c.path("containerName").asText(),
                    new Decision(
                            Mode.fromWire(c.path("mode").asText()),
                            Layer.fromWire(c.path("decidedBy").asText()),
                            c.path("rule").asText(null),
                            c.path("note").asText(null)));
        }
        return new Explained(definition, explained.path("cluster").asText(null), decisions);
    }

    /**
     * The server's records of images that no longer exist, as {@code registry/repository@digest} → where the record
     * came from; empty when the server keeps none.
     *
     * @throws JsonApiClient.Failure when the server answers with an error other than an unknown operation
     */
    Map<String, String> missingImages() {
        Map<String, String> out = new HashMap<>();
        JsonNode answer;
        try {
            answer = client.call(LifecycleAuditOperations.TARGET_PREFIX, "ListMissingImages", Json.object());
        } catch (JsonApiClient.Failure f) {
            if (f.type().equals("UnknownOperationException")) {
                return out; // an older server without missing-image records
            }
            throw f;
        }
        for (JsonNode m : answer.path("missingImages")) {
            out.put(
                    m.path("registry").asText() + "/" + m.path("repository").asText() + "@"
                            + m.path("digest").asText(),
                    m.path("source").asText());
        }
        return out;
    }
}
