package dev.ballast.model;

/**
 * A task definition revision's {@code status} (ECS {@code TaskDefinitionStatus}): ACTIVE, INACTIVE once deregistered,
 * DELETE_IN_PROGRESS once DeleteTaskDefinitions asked for it. Not ordered.
 */
public enum TaskDefinitionStatus {
    ACTIVE,
    INACTIVE,
    DELETE_IN_PROGRESS;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static TaskDefinitionStatus fromWire(String value) {
        return Wire.lookup(TaskDefinitionStatus.class, TaskDefinitionStatus::wire, value, "task definition status");
    }
}
