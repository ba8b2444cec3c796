package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A placement strategy's {@code type} (ECS {@code PlacementStrategyType}). */
public enum PlacementStrategyType {
    RANDOM("random"),
    SPREAD("spread"),
    BINPACK("binpack");

    private final String wire;

    PlacementStrategyType(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static PlacementStrategyType fromWire(String value) {
        return Wire.lookup(PlacementStrategyType.class, PlacementStrategyType::wire, value, "placementStrategy type");
    }
}
