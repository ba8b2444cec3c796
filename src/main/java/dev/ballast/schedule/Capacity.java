package dev.ballast.schedule;

import dev.ballast.model.LaunchSpec;
import dev.ballast.model.LaunchType;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Divides a launch over capacity: which pool of container instances each task may go to, and as which launch
 * type and capacity provider. FARGATE tasks go to instances that offer serverless capacity (their agent opted
 * in: attribute {@value #SERVERLESS_ATTRIBUTE}); EC2 tasks to any instance.
 */
public final class Capacity {
    /** The attribute an agent registers (value {@code true}) when it offers serverless (FARGATE) capacity. */
    public static final String SERVERLESS_ATTRIBUTE = "ballast.serverless";

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
     * {@code live} are the cluster's live tasks (a strategy's {@code base} counts those already running).
     */
    public List<Share> shares(String cluster, LaunchSpec spec, String group, int count, List<TaskRow> live) {
        LaunchType type = spec.launchType() == null ? LaunchType.EC2 : spec.launchType();
        return List.of(new Share(null, type, poolOf(type), count));
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
