package dev.ballast.model;

/**
 * A cluster's {@code status}: ACTIVE until DeleteCluster makes it INACTIVE. Not ordered.
 */
public enum ClusterStatus {
    ACTIVE,
    INACTIVE;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static ClusterStatus fromWire(String value) {
        return Wire.lookup(ClusterStatus.class, ClusterStatus::wire, value, "cluster status");
    }
}
