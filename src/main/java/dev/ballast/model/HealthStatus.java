package dev.ballast.model;

/** A container's or task's {@code healthStatus} (ECS {@code HealthStatus}). Not ordered: no lifecycle. */
public enum HealthStatus {
    HEALTHY,
    UNHEALTHY,
    UNKNOWN;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static HealthStatus fromWire(String value) {
        return Wire.lookup(HealthStatus.class, HealthStatus::wire, value, "healthStatus");
    }
}
