package dev.ballast.model;

import java.util.List;

/**
 * One {@code capacityProviderStrategy} entry (ECS {@code CapacityProviderStrategyItem}): at least {@code base}
 * tasks go to {@code capacityProvider}, the rest are shared in proportion to {@code weight}.
 */
public record CapacityProviderStrategyItem(String capacityProvider, int weight, int base) {
    /** The built-in providers over serverless capacity, whose tasks are FARGATE tasks. */
    public static final List<String> FARGATE_PROVIDERS = List.of(LaunchType.FARGATE.wire(), "FARGATE_SPOT");

    /** Whether this entry names a built-in Fargate provider (FARGATE or FARGATE_SPOT) rather than a pool. */
    public boolean onFargate() {
        return FARGATE_PROVIDERS.contains(capacityProvider);
    }
}
