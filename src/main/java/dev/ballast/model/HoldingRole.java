package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * Why a service holds an image digest: a deployment that is running or rolling out ({@link #ACTIVE}), or the
 * completed deployment a rollback would return to ({@link #ROLLBACK_TARGET}).
 */
public enum HoldingRole {
    ACTIVE("active-deployment"),
    ROLLBACK_TARGET("rollback-target");

    private final String wire;

    HoldingRole(String wire) {
        this.wire = wire;
    }

    /** The word shown by the pins operation and commands. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant for {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static HoldingRole fromWire(String value) {
        return Wire.lookup(HoldingRole.class, HoldingRole::wire, value, "holding role");
    }
}
