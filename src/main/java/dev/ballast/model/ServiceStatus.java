package dev.ballast.model;

/**
 * A service's {@code status}: ACTIVE, DRAINING while DeleteService stops its tasks, then INACTIVE. Not ordered.
 */
public enum ServiceStatus {
    ACTIVE,
    DRAINING,
    INACTIVE;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static ServiceStatus fromWire(String value) {
        return Wire.lookup(ServiceStatus.class, ServiceStatus::wire, value, "service status");
    }
}
