package dev.ballast.model;

/**
 * One {@code placementConstraints} entry (ECS {@code PlacementConstraint}).
 *
 * @param expression the cluster query language expression of a {@code memberOf} constraint; null for
 *     {@code distinctInstance}
 */
public record PlacementConstraint(PlacementConstraintType type, String expression) {}
