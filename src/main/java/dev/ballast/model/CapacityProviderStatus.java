package dev.ballast.model;

/**
 * A capacity provider's {@code status} (ECS {@code CapacityProviderStatus}): ACTIVE while it exists; the answer
 * to DeleteCapacityProvider shows it INACTIVE. Ballast creates and deletes at once, so PROVISIONING and
 * DEPROVISIONING never show. Not ordered.
 */
public enum CapacityProviderStatus {
    ACTIVE,
    INACTIVE;

    /** The ECS wire string. */
    public String wire() {
        return name();
    }

    /** The constant whose wire string is {@code value}; an unknown value is refused, naming it. */
    public static CapacityProviderStatus fromWire(String value) {
        return Wire.lookup(
                CapacityProviderStatus.class, CapacityProviderStatus::wire, value, "capacity provider status");
    }
}
