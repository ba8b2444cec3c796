package dev.ballast.model;

/**
 * One {@code capacityProviderStrategy} entry (ECS {@code CapacityProviderStrategyItem}): at least {@code base}
 * tasks go to {@code capacityProvider}, the rest are shared in proportion to {@code weight}.
 */
public record CapacityProviderStrategyItem(String capacityProvider, int weight, int base) {}
