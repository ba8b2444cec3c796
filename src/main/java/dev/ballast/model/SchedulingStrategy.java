package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A service's {@code schedulingStrategy} (ECS {@code SchedulingStrategy}): REPLICA keeps {@code desiredCount} tasks, DAEMON one task per eligible container instance. */
public enum SchedulingStrategy {
    REPLICA("REPLICA"),
    DAEMON("DAEMON");

    private final String wire;

    SchedulingStrategy(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static SchedulingStrategy fromWire(String value) {
        return Wire.lookup(SchedulingStrategy.class, SchedulingStrategy::wire, value, "schedulingStrategy");
    }
}
