package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.model.ClusterStatus;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.resolve.Decision;
import dev.ballast.resolve.ImagePattern;
import dev.ballast.resolve.ManagedCatalog;
import dev.ballast.resolve.PolicyExplainer;
import dev.ballast.resolve.PolicyInputs;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.ImageRules;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitionRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Ballast's version-consistency policy extension, served in AWS JSON 1.1 with SigV4 under the target
 * prefix {@value #TARGET_PREFIX} (docs/policy-api.md): PutImageRule, DeleteImageRule, ListImageRules and
 * ExplainPolicy. Rules apply to deployments created after the change; no existing revision is re-resolved.
 * These operations are not in the ECS model, so they check their own input: wrong JSON types are
 * {@code SerializationException}, bad values {@code InvalidParameterException}, unknown clusters
 * {@code ClusterNotFoundException}, unknown rules {@code ResourceNotFoundException}.
 */
public final class PolicyOperations {
    /** The {@code X-Amz-Target} prefix of the policy operations. */
    public static final String TARGET_PREFIX = "BallastPolicy_20261128";

    private final Store store;
    private final ResourceRefs refs;
    private final TaskDefinitionOperations taskDefinitions;
    private final PolicyExplainer explainer;

    public PolicyOperations(Store store, Account account) {
        this(store, account, ManagedCatalog.builtIn());
    }

    public PolicyOperations(Store store, Account account, ManagedCatalog catalog) {
        this.store = store;
        this.refs = new ResourceRefs(account);
        this.taskDefinitions = new TaskDefinitionOperations(store, account);
        this.explainer = new PolicyExplainer(store, catalog);
    }

    /** Adds the four operations to {@code ops}; they must be served under {@link #TARGET_PREFIX}. */
    public void register(Map<String, Operation> ops) {
        ops.put("PutImageRule", (in, call) -> put(in));
        ops.put("DeleteImageRule", (in, call) -> delete(in));
        ops.put("ListImageRules", (in, call) -> list(in));
        ops.put("ExplainPolicy", (in, call) -> explain(in));
    }

    private JsonNode put(ObjectNode in) {
        String scope = scope(in);
        String pattern = pattern(in);
        String mode = Params.text(in, "mode", true);
        if (Mode.of(mode).isEmpty()) {
            throw AwsException.invalidParameter(
                    "Invalid 'mode' '" + ShapeValidator.clip(mode) + "'. " + Mode.accepted());
        }
        store.imageRules().put(new ImageRules.Rule(scope, pattern, mode));
        ObjectNode rule = rule(new ImageRules.Rule(scope, pattern, mode));
        if (scope.equals(ImageRules.ACCOUNT) && catalogPatterns().contains(pattern)) {
            rule.put("overridesManagedCatalog", true);
        }
        return Json.object().set("rule", rule);
    }

    private JsonNode delete(ObjectNode in) {
        String scope = scope(in);
        String pattern = pattern(in);
        Optional<ImageRules.Rule> existing = store.imageRules().of(scope).stream()
                .filter(r -> r.pattern().equals(pattern))
                .findFirst();
        if (existing.isEmpty() || !store.imageRules().delete(scope, pattern)) {
            if (scope.equals(ImageRules.ACCOUNT) && catalogPatterns().contains(pattern)) {
                throw AwsException.invalidParameter("Pattern '" + pattern + "' is a managed catalog entry, not a rule; "
                        + "override it with PutImageRule on the account instead.");
            }
            throw AwsException.resourceNotFound("No image rule with pattern '" + ShapeValidator.clip(pattern) + "' in "
                    + (scope.equals(ImageRules.ACCOUNT) ? "the account" : "cluster " + scope) + ".");
        }
        return Json.object().set("rule", rule(existing.get()));
    }

    private JsonNode list(ObjectNode in) {
        String scope = scope(in);
        ArrayNode out = Json.mapper().createArrayNode();
        List<ImageRules.Rule> rules = store.imageRules().of(scope);
        rules.forEach(r -> out.add(rule(r)));
        if (scope.equals(ImageRules.ACCOUNT)) {
            Set<String> own = rules.stream().map(ImageRules.Rule::pattern).collect(Collectors.toSet());
            for (ManagedCatalog.Entry e : explainer.evaluator().catalog().entries()) {
                out.addObject()
                        .put("scope", ImageRules.ACCOUNT)
                        .put("pattern", e.pattern().text())
                        .put("mode", Mode.DISABLED.wire())
                        .put("source", Layer.MANAGED_CATALOG.wire())
                        .put("sidecar", e.sidecar())
                        .put("overridden", own.contains(e.pattern().text()));
            }
        }
        return Json.object().set("rules", out);
    }

    private JsonNode explain(ObjectNode in) {
        String scope = scope(in);
        String clusterArn = scope.equals(ImageRules.ACCOUNT) ? null : scope;
        String ref = Params.text(in, "taskDefinition", true);
        TaskDefinitionRecord td = taskDefinitions
                .find(ref, true)
                .orElseThrow(() -> AwsException.invalidParameter(
                        "Task definition '" + ShapeValidator.clip(ref) + "' does not exist."));
        PolicyInputs inputs = explainer.inputs(clusterArn);
        ObjectNode out = Json.object().put("taskDefinitionArn", td.arn());
        if (clusterArn != null) {
            out.put("cluster", clusterArn);
        }
        ArrayNode containers = out.putArray("containers");
        for (PolicyExplainer.Explained e : explainer.explain(td.definition(), inputs)) {
            ContainerDefinition c = e.container();
            Decision d = e.decision();
            ObjectNode row =
                    containers.addObject().put("containerName", c.name()).put("image", c.image());
            if (c.versionConsistency() != null) {
                row.put("versionConsistency", c.versionConsistency().wire());
            }
            row.put("mode", d.mode().wire()).put("decidedBy", d.layer().wire());
            if (d.rule() != null) {
                row.put("rule", d.rule());
            }
            if (d.note() != null) {
                row.put("note", d.note());
            }
        }
        return out;
    }

    /** {@code account}, or the ARN of the ACTIVE cluster named by the optional {@code cluster} member. */
    private String scope(ObjectNode in) {
        String cluster = Params.text(in, "cluster", false);
        if (cluster == null) {
            return ImageRules.ACCOUNT;
        }
        return refs.clusterName(cluster)
                .flatMap(n -> store.clusters().find(n))
                .filter(c -> c.status().equals(ClusterStatus.ACTIVE.wire()))
                .map(ClusterRecord::arn)
                .orElseThrow(() -> new AwsException(
                        "ClusterNotFoundException", 400, "Cluster '" + ShapeValidator.clip(cluster) + "' not found."));
    }

    private static String pattern(ObjectNode in) {
        String pattern = Params.text(in, "pattern", true);
        ImagePattern.problem(pattern).ifPresent(p -> {
            throw AwsException.invalidParameter("Invalid 'pattern' '" + ShapeValidator.clip(pattern) + "': " + p + ".");
        });
        return pattern;
    }

    private Set<String> catalogPatterns() {
        return explainer.evaluator().catalog().entries().stream()
                .map(e -> e.pattern().text())
                .collect(Collectors.toSet());
    }

    private static ObjectNode rule(ImageRules.Rule r) {
        boolean account = r.scope().equals(ImageRules.ACCOUNT);
        return Json.object()
                .put("scope", r.scope())
                .put("pattern", r.pattern())
                .put("mode", r.mode())
                .put("source", account ? Layer.ACCOUNT_RULE.wire() : Layer.CLUSTER_RULE.wire());
    }
}
