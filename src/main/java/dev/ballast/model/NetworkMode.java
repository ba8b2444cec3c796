package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A task definition's {@code networkMode} (ECS {@code NetworkMode}). */
public enum NetworkMode {
    BRIDGE("bridge"),
    HOST("host"),
    AWSVPC("awsvpc"),
    NONE("none");

    /** What ECS uses on EC2 container instances when the task definition names none. */
    public static final NetworkMode DEFAULT = BRIDGE;

    private final String wire;

    NetworkMode(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static NetworkMode fromWire(String value) {
        return Wire.lookup(NetworkMode.class, NetworkMode::wire, value, "networkMode");
    }
}
