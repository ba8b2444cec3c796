package dev.ballast.model;

/**
 * A deployment's lifecycle as ECS {@code ServiceDeploymentStatus} names it (shown as the deployment's {@code status} in
 * DescribeServiceDeployments); not its {@link RolloutState}. Not ordered.
 */
public enum ServiceDeploymentStatus {
    PENDING,
    SUCCESSFUL,
    STOPPED,
    STOP_REQUESTED,
    IN_PROGRESS,
    ROLLBACK_REQUESTED,
    ROLLBACK_IN_PROGRESS,
    ROLLBACK_SUCCESSFUL,
    ROLLBACK_FAILED;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static ServiceDeploymentStatus fromWire(String value) {
        return Wire.lookup(
                ServiceDeploymentStatus.class, ServiceDeploymentStatus::wire, value, "service deployment status");
    }
}
