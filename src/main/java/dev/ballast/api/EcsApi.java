package dev.ballast.api;

import dev.ballast.core.Account;
import dev.ballast.store.Store;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Assembles the ECS operations Ballast serves, keyed by operation name, with their target prefix. */
public final class EcsApi {
    public static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113";

    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final Map<String, String> prefixes = new HashMap<>();

    public EcsApi(Store store, Account account) {
        ClusterOperations clusters = new ClusterOperations(store, account);
        TaskDefinitionOperations taskDefinitions = new TaskDefinitionOperations(store, account);
        clusters.register(operations);
        taskDefinitions.register(operations);
        new AccountSettingOperations(store, account).register(operations);
        ResourceRefs refs = new ResourceRefs(account);
        Map<String, Predicate<String>> taggable = Map.of(
                "cluster", arn -> refs.clusterName(arn).flatMap(n -> store.clusters().find(n))
                        .filter(c -> c.status().equals("ACTIVE")).isPresent(),
                "task-definition", arn -> taskDefinitions.find(arn, false).isPresent());
        new TagOperations(store, account, taggable).register(operations);
        operations.keySet().forEach(op -> prefixes.put(op, TARGET_PREFIX));
        Map<String, Operation> policy = new LinkedHashMap<>();
        new PolicyOperations(store, account).register(policy);
        policy.keySet().forEach(op -> prefixes.put(op, PolicyOperations.TARGET_PREFIX));
        operations.putAll(policy);
    }

    public Map<String, Operation> operations() {
        return Map.copyOf(operations);
    }

    public Map<String, String> targetPrefixes() {
        return Map.copyOf(prefixes);
    }
}
