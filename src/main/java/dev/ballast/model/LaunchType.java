package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A task's or service's {@code launchType} (ECS {@code LaunchType}). FARGATE runs on agents that offer serverless capacity; EXTERNAL is not served. */
public enum LaunchType {
    EC2("EC2"),
    FARGATE("FARGATE"),
    EXTERNAL("EXTERNAL");

    private final String wire;

    LaunchType(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static LaunchType fromWire(String value) {
        return Wire.lookup(LaunchType.class, LaunchType::wire, value, "launchType");
    }
}
