package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A port mapping's {@code protocol} (ECS {@code TransportProtocol}); {@link #TCP} when absent. */
public enum TransportProtocol {
    TCP("tcp"),
    UDP("udp");

    private final String wire;

    TransportProtocol(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static TransportProtocol fromWire(String value) {
        return Wire.lookup(TransportProtocol.class, TransportProtocol::wire, value, "protocol");
    }
}
