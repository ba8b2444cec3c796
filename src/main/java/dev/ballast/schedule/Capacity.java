package dev.ballast.schedule;

import dev.ballast.model.CapacityProviderStrategyItem;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.LaunchType;
import dev.ballast.store.CapacityProviderRow;
import dev.ballast.store.CapacityProviders;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Divides a launch over capacity: which pool of container instances each task may go to, and as which launch
 * type and capacity provider. FARGATE tasks go to instances that offer serverless capacity (their agent opted
 * in: attribute {@value #SERVERLESS_ATTRIBUTE}); EC2 tasks to any instance. With a capacity provider strategy,
 * tasks are shared as ECS shares them ({@link #split}): each provider's {@code base} first, in order, then the
 * rest by {@code weight}; a provider's pool is its instances (attribute {@value #GROUP_ATTRIBUTE} equal to its
 * Auto Scaling group's name), FARGATE's and FARGATE_SPOT's the serverless ones.
 */
public final class Capacity {
    /** The attribute an agent registers (value {@code true}) when it offers serverless (FARGATE) capacity. */
    public static final String SERVERLESS_ATTRIBUTE = "ballast.serverless";
    /** The attribute that puts a container instance in a capacity provider's pool: its Auto Scaling group's name. */
    public static final String GROUP_ATTRIBUTE = InstanceRow.POOL_ATTRIBUTE;

    /**
     * Some of a launch's tasks, and where they may go.
     *
     * @param capacityProviderName null when no capacity provider strategy applies
     * @param pool the instances these tasks may be placed on
     */
    public record Share(String capacityProviderName, LaunchType launchType, Predicate<InstanceRow> pool, int count) {}

    private final Store store;

    public Capacity(Store store) {
        this.store = store;
    }

    /**
     * The shares of {@code count} new tasks of {@code group} in {@code cluster} (their sum is {@code count});
     * {@code live} are the cluster's live tasks (a strategy's {@code base} and weights count the group's tasks
     * already running through each provider, so a scale-out keeps the ratio: see {@link #current}).
     *
     * @param deploymentId the launching service deployment's id; null for RunTask and StartTask
     * @param staying which instances keep their tasks: a task on an instance that is draining (or gone) is about to
     *     be replaced, so it does not count towards its provider's share — its replacement takes its place through
     *     the same strategy
     */
    public List<Share> shares(
            String cluster,
            LaunchSpec spec,
            String group,
            String deploymentId,
            int count,
            List<TaskRow> live,
            Predicate<String> staying) {
        List<CapacityProviderStrategyItem> strategy = spec.capacityProviderStrategy();
        if (strategy.isEmpty()) {
            LaunchType type = spec.launchType() == null ? LaunchType.EC2 : spec.launchType();
            return List.of(new Share(null, type, poolOf(type), count));
        }
        int[] current = current(
                strategy,
                group,
                deploymentId,
                live.stream()
                        .filter(t -> staying.test(t.containerInstanceArn()))
                        .toList());
        int[] added = split(strategy, current, count);
        List<Share> out = new ArrayList<>();
        for (int i = 0; i < strategy.size(); i++) {
            if (added[i] > 0) {
                String provider = strategy.get(i).capacityProvider();
                boolean serverless = CapacityProviders.isBuiltIn(provider);
                // checked again under the placement lock: PutClusterCapacityProviders may have just removed it
                Predicate<InstanceRow> pool = !associated(cluster, provider)
                        ? x -> false
                        : serverless ? Capacity::offersServerless : poolOfProvider(provider);
                out.add(new Share(provider, serverless ? LaunchType.FARGATE : LaunchType.EC2, pool, added[i]));
            }
        }
        return out;
    }

    /**
     * The tasks each entry of {@code strategy} already has: {@code group}'s live tasks that are meant to keep
     * running (desired status RUNNING: a task told to stop no longer counts) and, for a service deployment
     * ({@code deploymentId} not null), only that deployment's tasks, so a rolling deployment's new tasks fill the
     * bases again instead of counting the old deployment's tasks that are about to stop.
     */
    static int[] current(
            List<CapacityProviderStrategyItem> strategy, String group, String deploymentId, List<TaskRow> live) {
        int[] current = new int[strategy.size()];
        for (TaskRow t : live) {
            if (t.isStopped()
                    || DesiredStatus.fromWire(t.desiredStatus()) != DesiredStatus.RUNNING
                    || !Objects.equals(group, t.group())
                    || (deploymentId != null && !deploymentId.equals(t.deploymentId()))) {
                continue;
            }
            for (int i = 0; i < strategy.size(); i++) {
                if (strategy.get(i).capacityProvider().equals(t.launch().capacityProviderName())) {
                    current[i]++;
                }
            }
        }
        return current;
    }

    /**
     * How many of {@code count} new tasks go to each entry of {@code strategy}, given {@code current} tasks per
     * entry: one task at a time, to the first entry still below its {@code base}; else to the entry with weight
     * above 0 whose tasks beyond its base are furthest below its weight's share (the smallest
     * {@code (beyond + 1) / weight}, the earlier entry on a tie), so the tasks beyond the bases keep the weights'
     * ratio exactly whenever their number is a multiple of the weights' sum. A one-entry strategy takes every
     * task, whatever its weight.
     */
    static int[] split(List<CapacityProviderStrategyItem> strategy, int[] current, int count) {
        int n = strategy.size();
        int[] have = current.clone();
        int[] added = new int[n];
        for (int k = 0; k < count; k++) {
            int chosen = -1;
            for (int i = 0; i < n && chosen < 0; i++) {
                if (have[i] < strategy.get(i).base()) {
                    chosen = i;
                }
            }
            for (int i = 0; i < n && n > 1; i++) {
                if (chosen >= 0 && have[chosen] < strategy.get(chosen).base()) {
                    break; // a base still to fill
                }
                if (strategy.get(i).weight() > 0 && (chosen < 0 || behind(strategy, have, i, chosen))) {
                    chosen = i;
                }
            }
            chosen = Math.max(chosen, 0);
            have[chosen]++;
            added[chosen]++;
        }
        return added;
    }

    /** Whether entry {@code a} is further below its weight's share than entry {@code b}. */
    private static boolean behind(List<CapacityProviderStrategyItem> strategy, int[] have, int a, int b) {
        long beyondA = Math.max(0, have[a] - strategy.get(a).base()) + 1L;
        long beyondB = Math.max(0, have[b] - strategy.get(b).base()) + 1L;
        return beyondA * strategy.get(b).weight() < beyondB * strategy.get(a).weight();
    }

    private boolean associated(String cluster, String provider) {
        return store.capacityProviders().clustersUsing(provider).contains(cluster);
    }

    /** Why {@code share} could not be placed when no ACTIVE instance of {@code cluster} is in its pool. */
    String emptyPoolReason(String cluster, Share share) {
        if (share.capacityProviderName() != null && !associated(cluster, share.capacityProviderName())) {
            return PlacementFailures.notAssociated(share.capacityProviderName(), cluster);
        }
        if (share.launchType() == LaunchType.FARGATE || share.capacityProviderName() == null) {
            return PlacementFailures.NO_SERVERLESS;
        }
        String group = store.capacityProviders()
                .find(share.capacityProviderName())
                .map(CapacityProviderRow::groupName)
                .orElse(null);
        return PlacementFailures.emptyPool(share.capacityProviderName(), GROUP_ATTRIBUTE, group);
    }

    /** The instances of a capacity provider's pool; none when it no longer exists. */
    private Predicate<InstanceRow> poolOfProvider(String provider) {
        String group = store.capacityProviders()
                .find(provider)
                .map(CapacityProviderRow::groupName)
                .orElse(null);
        if (group == null) {
            return i -> false;
        }
        return i -> i.attributes() != null && group.equals(i.attributes().get(GROUP_ATTRIBUTE));
    }

    /**
     * The capacity provider whose pool {@code instance} is in (DescribeContainerInstances' {@code
     * capacityProviderName}); empty when it has no {@value #GROUP_ATTRIBUTE} attribute or no provider names its group.
     */
    public static Optional<String> providerOf(InstanceRow instance, Store store) {
        String group =
                instance.attributes() == null ? null : instance.attributes().get(GROUP_ATTRIBUTE);
        if (group == null) {
            return Optional.empty();
        }
        return store.capacityProviders().list(null, Integer.MAX_VALUE).stream()
                .filter(p -> p.groupName().equals(group))
                .map(CapacityProviderRow::name)
                .findFirst();
    }

    /** The instances a task of {@code type} may run on. */
    public static Predicate<InstanceRow> poolOf(LaunchType type) {
        return type == LaunchType.FARGATE ? Capacity::offersServerless : i -> true;
    }

    /** Whether the instance's agent offers serverless (FARGATE) capacity. */
    public static boolean offersServerless(InstanceRow instance) {
        Map<String, String> a = instance.attributes();
        return a != null && "true".equals(a.get(SERVERLESS_ATTRIBUTE));
    }
}
