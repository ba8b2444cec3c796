package dev.ballast.resolve;

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

    public String wire() {
        return wire;
    }

    @Override
    public String toString() {
        return wire;
    }
}
