package dev.ballast.model;

import java.util.List;

/**
 * Where and how tasks launch, as RunTask, StartTask, CreateService and UpdateService say it (a service keeps
 * its own): launch type or capacity provider strategy, placement constraints and strategy, platform version
 * and awsvpc network configuration. Members the request left out are null or empty; the API validates them.
 *
 * @param launchType null when the request named none (a capacity provider strategy, the cluster's default
 *     strategy, else EC2 decides)
 * @param capacityProviderStrategy empty when the request has none
 * @param platformVersion as written (FARGATE only), or null
 * @param awsvpc the {@code networkConfiguration.awsvpcConfiguration}, or null
 */
public record LaunchSpec(
        LaunchType launchType,
        List<CapacityProviderStrategyItem> capacityProviderStrategy,
        List<PlacementConstraint> placementConstraints,
        List<PlacementStrategy> placementStrategy,
        String platformVersion,
        AwsVpcConfiguration awsvpc) {
    /** Nothing said: EC2 (or the cluster's default strategy), no constraints, the default spread. */
    public static final LaunchSpec DEFAULT = new LaunchSpec(null, List.of(), List.of(), List.of(), null, null);

    public LaunchSpec {
        capacityProviderStrategy = capacityProviderStrategy == null ? List.of() : List.copyOf(capacityProviderStrategy);
        placementConstraints = placementConstraints == null ? List.of() : List.copyOf(placementConstraints);
        placementStrategy = placementStrategy == null ? List.of() : List.copyOf(placementStrategy);
    }

    /**
     * The launch type this spec's tasks run as, and a service with it is listed and described as: its
     * {@code launchType}; else FARGATE when its capacity provider strategy names the built-in Fargate providers
     * (a strategy never mixes them with pool providers); else EC2 (pool providers, or nothing said).
     */
    public LaunchType effectiveLaunchType() {
        if (launchType != null) {
            return launchType;
        }
        return capacityProviderStrategy.stream().anyMatch(CapacityProviderStrategyItem::onFargate)
                ? LaunchType.FARGATE
                : LaunchType.EC2;
    }
}
