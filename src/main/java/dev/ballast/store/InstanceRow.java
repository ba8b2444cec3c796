package dev.ballast.store;

import dev.ballast.core.HostPorts;
import dev.ballast.model.ContainerInstanceStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container instance (an agent's host, or a simulated one). Resources in CPU units and MiB.
 * {@code status} is the ECS container instance status (ACTIVE, DRAINING, INACTIVE when deregistered);
 * {@code heartbeatAt} is when its agent last reported (epoch millis). {@code reservedPorts} are the host
 * ports its agent registered as taken ({@code PORTS}, {@code PORTS_UDP}); null means the ECS agent's default.
 */
public record InstanceRow(
        String arn,
        String cluster,
        String clusterArn,
        String ec2InstanceId,
        String status,
        boolean agentConnected,
        int cpu,
        int memory,
        Map<String, String> attributes,
        String agentVersion,
        long registeredAt,
        String statusReason,
        long heartbeatAt,
        HostPorts reservedPorts) {

    public InstanceRow(
            String arn,
            String cluster,
            String clusterArn,
            String ec2InstanceId,
            String status,
            boolean agentConnected,
            int cpu,
            int memory,
            Map<String, String> attributes,
            String agentVersion,
            long registeredAt,
            String statusReason,
            long heartbeatAt) {
        this(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                status,
                agentConnected,
                cpu,
                memory,
                attributes,
                agentVersion,
                registeredAt,
                statusReason,
                heartbeatAt,
                null);
    }

    /** A newly registered instance: connected, heartbeat at registration. */
    public InstanceRow(
            String arn,
            String cluster,
            String clusterArn,
            String ec2InstanceId,
            String status,
            boolean agentConnected,
            int cpu,
            int memory,
            Map<String, String> attributes,
            String agentVersion,
            long registeredAt) {
        this(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                status,
                agentConnected,
                cpu,
                memory,
                attributes,
                agentVersion,
                registeredAt,
                null,
                registeredAt,
                null);
    }

    /** The host ports the instance keeps for itself: as registered, else the ECS agent's default. */
    public HostPorts reserved() {
        return reservedPorts == null ? HostPorts.ECS_AGENT_DEFAULT : reservedPorts;
    }

    /** This instance with the host ports its agent registered as reserved (null: the ECS agent's default). */
    public InstanceRow withReservedPorts(HostPorts ports) {
        return new InstanceRow(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                status,
                agentConnected,
                cpu,
                memory,
                attributes,
                agentVersion,
                registeredAt,
                statusReason,
                heartbeatAt,
                ports);
    }

    public InstanceRow withStatus(String newStatus, String reason) {
        return new InstanceRow(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                newStatus,
                agentConnected,
                cpu,
                memory,
                attributes,
                agentVersion,
                registeredAt,
                reason,
                heartbeatAt,
                reservedPorts);
    }

    /** This instance with {@code newAttributes} (PutAttributes, DeleteAttributes). */
    public InstanceRow withAttributes(Map<String, String> newAttributes) {
        return new InstanceRow(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                status,
                agentConnected,
                cpu,
                memory,
                newAttributes,
                agentVersion,
                registeredAt,
                statusReason,
                heartbeatAt,
                reservedPorts);
    }

    /** True once the instance is deregistered (INACTIVE). */
    public boolean deregistered() {
        return ContainerInstanceStatus.INACTIVE.wire().equals(status);
    }

    /** A heartbeat: connected again, at {@code now}. */
    public InstanceRow heartbeat(long now) {
        return new InstanceRow(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                status,
                true,
                cpu,
                memory,
                attributes,
                agentVersion,
                registeredAt,
                statusReason,
                now,
                reservedPorts);
    }

    public InstanceRow disconnected() {
        return new InstanceRow(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                status,
                false,
                cpu,
                memory,
                attributes,
                agentVersion,
                registeredAt,
                statusReason,
                heartbeatAt,
                reservedPorts);
    }

    /** The attribute that puts an instance in a capacity provider's pool (its Auto Scaling group's name). */
    public static final String POOL_ATTRIBUTE = "ballast.auto-scaling-group";

    /**
     * Whether attribute {@code name} is the agent's own, sent again at every registration: {@code ecs.*}, and
     * {@code ballast.*} except {@value #POOL_ATTRIBUTE} (which users put, or an agent declares with {@code
     * --attribute}).
     */
    public static boolean agentOwned(String name) {
        return name.startsWith("ecs.") || (name.startsWith("ballast.") && !name.equals(POOL_ATTRIBUTE));
    }

    /**
     * A re-registration by the agent: new resources, attributes and version; connected, same ARN. Attributes
     * that are not the agent's own ({@link #agentOwned}) and that it does not send again are kept: PutAttributes
     * set them (pool membership {@value #POOL_ATTRIBUTE} included), and constraints and capacity providers rely
     * on them across agent restarts.
     */
    public InstanceRow reRegistered(
            int newCpu, int newMemory, Map<String, String> agentAttributes, String newAgentVersion, long now) {
        Map<String, String> newAttributes = new LinkedHashMap<>();
        if (attributes != null) {
            attributes.forEach((name, value) -> {
                if (!agentOwned(name)) {
                    newAttributes.put(name, value);
                }
            });
        }
        if (agentAttributes != null) {
            newAttributes.putAll(agentAttributes);
        }
        return new InstanceRow(
                arn,
                cluster,
                clusterArn,
                ec2InstanceId,
                ContainerInstanceStatus.INACTIVE.wire().equals(status) ? ContainerInstanceStatus.ACTIVE.wire() : status,
                true,
                newCpu,
                newMemory,
                newAttributes,
                newAgentVersion,
                registeredAt,
                null,
                now,
                reservedPorts);
    }
}
