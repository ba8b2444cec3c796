package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The policy layers in the order they are consulted (first match wins), each with the word recorded in
 * {@code ContainerResolution.decidedBy}.
 */
public enum Layer {
    CONTAINER("container"),
    CLUSTER_RULE("cluster-rule"),
    ACCOUNT_RULE("account-rule"),
    MANAGED_CATALOG("managed-catalog"),
    CLUSTER_SETTING("cluster-setting"),
    ACCOUNT_SETTING("account-setting"),
    SYSTEM_DEFAULT("system-default");

    private final String wire;

    Layer(String wire) {
        this.wire = wire;
    }

    /** The word recorded in {@code decidedBy} and shown by the API. */
    @JsonValue
    public String wire() {
        return wire;
    }

    /** The constant whose recorded word is {@code value}; an unknown value is refused, naming it. */
    @JsonCreator
    public static Layer fromWire(String value) {
        return Wire.lookup(Layer.class, Layer::wire, value, "policy layer");
    }

    @Override
    public String toString() {
        return wire;
    }
}
