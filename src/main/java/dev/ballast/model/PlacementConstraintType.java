package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** A placement constraint's {@code type} (ECS {@code PlacementConstraintType}). */
public enum PlacementConstraintType {
    DISTINCT_INSTANCE("distinctInstance"),
    MEMBER_OF("memberOf");

    private final String wire;

    PlacementConstraintType(String wire) {
        this.wire = wire;
    }

    /** The ECS wire string. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static PlacementConstraintType fromWire(String value) {
        return Wire.lookup(
                PlacementConstraintType.class, PlacementConstraintType::wire, value, "placementConstraint type");
    }
}
