package dev.ballast.api;

import dev.ballast.agent.protocol.AgentProtocol;
import dev.ballast.core.Account;
import dev.ballast.deploy.Deployer;
import dev.ballast.lifecycle.DigestKey;
import dev.ballast.model.ClusterStatus;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.ServiceStatus;
import dev.ballast.registry.RegistryAccess;
import dev.ballast.schedule.Launcher;
import dev.ballast.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/** Assembles the ECS operations Ballast serves, keyed by operation name, with their target prefix. */
public final class EcsApi {
    public static final String TARGET_PREFIX = AgentProtocol.ECS_TARGET_PREFIX;

    private final Map<String, Operation> operations = new LinkedHashMap<>();
    private final Map<String, String> prefixes = new HashMap<>();

    /**
     * What the service and task operations hand work to ({@code indexChildren}: a pinned digest's index children,
     * recorded or learned from its registry now; empty when they cannot be learned now).
     */
    public record Workers(
            Deployer deployer,
            Launcher launcher,
            RunTaskResolution runTask,
            Runnable wakeControllers,
            Consumer<String> wakeService,
            Runnable wakeAgents,
            RegistryAccess registryAccess,
            Function<DigestKey, Optional<Map<String, String>>> indexChildren) {}

    public EcsApi(Store store, Account account, Clock clock, Workers workers) {
        this(store, account, clock, workers, Duration.ofSeconds(10));
    }

    /**
     * @param maxPollWait the longest an agent's {@code PollTasks} waits (a third of the agent disconnect timeout)
     */
    public EcsApi(Store store, Account account, Clock clock, Workers workers, Duration maxPollWait) {
        ClusterOperations clusters = new ClusterOperations(store, account);
        TaskDefinitionOperations taskDefinitions =
                new TaskDefinitionOperations(store, account, workers.registryAccess());
        clusters.register(operations);
        CapacityProviderOperations capacityProviders = new CapacityProviderOperations(store, account, clock, clusters);
        capacityProviders.register(operations);
        new ClusterCapacityProviders(store, clusters).register(operations);
        UnservedOperations.register(operations);
        taskDefinitions.register(operations);
        ServiceOperations services = new ServiceOperations(
                store,
                account,
                clusters,
                taskDefinitions,
                workers.deployer(),
                clock,
                workers.wakeControllers(),
                workers.launcher().networks());
        services.register(operations);
        new DeploymentOperations(store, services).register(operations);
        new TaskOperations(
                        store,
                        account,
                        clusters,
                        taskDefinitions,
                        workers.runTask(),
                        workers.launcher(),
                        clock,
                        workers.wakeAgents())
                .register(operations);
        new AccountSettingOperations(store, account).register(operations);
        ContainerInstanceOperations instances =
                new ContainerInstanceOperations(store, account, clusters, clock, workers.wakeControllers());
        instances.register(operations);
        new AttributeOperations(store, instances, workers.wakeControllers()).register(operations);
        AgentOperations agents = new AgentOperations(
                store, instances, clock, maxPollWait, workers.wakeControllers(), workers.wakeService());
        agents.registerEcs(operations);
        ResourceRefs refs = new ResourceRefs(account);
        Map<String, Predicate<String>> taggable = Map.of(
                "container-instance",
                        arn -> store.instances()
                                .find(arn)
                                .filter(v -> !v.value().status().equals(ContainerInstanceStatus.INACTIVE.wire()))
                                .isPresent(),
                "cluster",
                        arn -> refs.clusterName(arn)
                                .flatMap(n -> store.clusters().find(n))
                                .filter(c -> c.status().equals(ClusterStatus.ACTIVE.wire()))
                                .isPresent(),
                "task-definition", arn -> taskDefinitions.find(arn, false).isPresent(),
                "service",
                        arn -> store.services()
                                .find(arn)
                                .filter(v -> !v.value().status().equals(ServiceStatus.INACTIVE.wire()))
                                .isPresent(),
                "task", arn -> store.tasks().find(arn).isPresent(),
                "capacity-provider", capacityProviders::exists);
        new TagOperations(store, account, taggable).register(operations);
        operations.keySet().forEach(op -> prefixes.put(op, TARGET_PREFIX));
        Map<String, Operation> policy = new LinkedHashMap<>();
        new PolicyOperations(store, account).register(policy);
        policy.keySet().forEach(op -> prefixes.put(op, PolicyOperations.TARGET_PREFIX));
        operations.putAll(policy);
        Map<String, Operation> lifecycle = new LinkedHashMap<>();
        LifecycleApi.register(lifecycle, new LifecycleApi.Context(store, account, clock, workers));
        lifecycle.keySet().forEach(op -> prefixes.put(op, LifecycleApi.TARGET_PREFIX));
        operations.putAll(lifecycle);
        Map<String, Operation> agentProtocol = new LinkedHashMap<>();
        agents.registerExtension(agentProtocol);
        agentProtocol.keySet().forEach(op -> prefixes.put(op, AgentOperations.TARGET_PREFIX));
        operations.putAll(agentProtocol);
    }

    public Map<String, Operation> operations() {
        return Map.copyOf(operations);
    }

    public Map<String, String> targetPrefixes() {
        return Map.copyOf(prefixes);
    }
}
