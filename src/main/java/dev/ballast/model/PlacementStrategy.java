package dev.ballast.model;

/**
 * One {@code placementStrategy} entry (ECS {@code PlacementStrategy}), applied in order.
 *
 * @param field {@code instanceId}/{@code host} or {@code attribute:…} for spread, {@code cpu} or
 *     {@code memory} for binpack, null for random
 */
public record PlacementStrategy(PlacementStrategyType type, String field) {}
