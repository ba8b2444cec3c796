package dev.ballast.model;

/**
 * A container instance's {@code status} (ECS {@code ContainerInstanceStatus}, the values Ballast uses): ACTIVE or
 * DRAINING (UpdateContainerInstancesState), INACTIVE once deregistered. Not ordered.
 */
public enum ContainerInstanceStatus {
    ACTIVE,
    DRAINING,
    INACTIVE;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static ContainerInstanceStatus fromWire(String value) {
        return Wire.lookup(
                ContainerInstanceStatus.class, ContainerInstanceStatus::wire, value, "container instance status");
    }
}
