package dev.ballast.agent;

import java.util.Objects;

/**
 * The address a runtime gave an awsvpc task's network namespace: what the agent reports as the task's ENI attachment
 * ({@code privateIPv4Address}, {@code macAddress}; docs/agent-protocol.md).
 *
 * @param macAddress the interface's MAC address, or null when the runtime does not know it
 */
public record NetworkAddress(String privateIPv4Address, String macAddress) {
    public NetworkAddress {
        Objects.requireNonNull(privateIPv4Address, "privateIPv4Address");
    }
}
