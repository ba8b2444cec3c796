package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * A {@code dependsOn} entry's {@code condition} (ECS {@code ContainerCondition}): what the container it names
 * must reach before the dependent container starts. Not ordered.
 */
public enum ContainerCondition {
    /** The dependency has started (it may have exited since). */
    START,
    /** The dependency has exited, with any code. */
    COMPLETE,
    /** The dependency has exited with code 0. */
    SUCCESS,
    /** The dependency's health check has passed. */
    HEALTHY;

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static ContainerCondition fromWire(String value) {
        return Wire.lookup(ContainerCondition.class, ContainerCondition::wire, value, "dependsOn condition");
    }
}
