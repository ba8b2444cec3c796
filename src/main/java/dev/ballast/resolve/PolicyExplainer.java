package dev.ballast.resolve;

import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.TaskDefinition;
import dev.ballast.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the layered policy decides for each container of a task definition on a cluster, from the store's rules and
 * settings ({@link PolicyLoader}) and a {@link PolicyEvaluator}: the one computation behind {@code ExplainPolicy}
 * (docs/policy-api.md), the console's policy and audit pages and the server side of {@code ballast audit --live}.
 * Callers that explain many task definitions load the {@link #inputs} of a cluster once and pass them to
 * {@link #explain}.
 */
public final class PolicyExplainer {
    private final PolicyLoader loader;
    private final PolicyEvaluator evaluator;

    public PolicyExplainer(Store store, ManagedCatalog catalog) {
        this.loader = new PolicyLoader(store);
        this.evaluator = new PolicyEvaluator(catalog);
    }

    /** One container and what the policy decided for it. */
    public record Explained(ContainerDefinition container, Decision decision) {
        public Explained {
            Objects.requireNonNull(container, "container definition");
            Objects.requireNonNull(decision, "decision");
        }
    }

    public PolicyEvaluator evaluator() {
        return evaluator;
    }

    /** The rules and settings that take part on {@code clusterArn} (null: the account's only), read now. */
    public PolicyInputs inputs(String clusterArn) {
        return loader.load(clusterArn);
    }

    /** The decision for each container of {@code definition}, in the definition's order. */
    public List<Explained> explain(TaskDefinition definition, PolicyInputs inputs) {
        List<Explained> out = new ArrayList<>();
        for (ContainerDefinition c : definition.containers()) {
            out.add(new Explained(c, evaluator.decide(c.versionConsistency(), c.image(), inputs)));
        }
        return out;
    }
}
