package dev.ballast.store;

import java.util.Map;

/**
 * A container instance (an agent's host, or a simulated one). Resources in CPU units and MiB.
 * {@code status} is the ECS container instance status (ACTIVE, DRAINING, INACTIVE when deregistered);
 * {@code heartbeatAt} is when its agent last reported (epoch millis).
 */
public record InstanceRow(String arn, String cluster, String clusterArn, String ec2InstanceId, String status,
                          boolean agentConnected, int cpu, int memory, Map<String, String> attributes, String agentVersion,
                          long registeredAt, String statusReason, long heartbeatAt) {

    /** A newly registered instance: connected, heartbeat at registration. */
    public InstanceRow(String arn, String cluster, String clusterArn, String ec2InstanceId, String status,
                       boolean agentConnected, int cpu, int memory, Map<String, String> attributes, String agentVersion,
                       long registeredAt) {
        this(arn, cluster, clusterArn, ec2InstanceId, status, agentConnected, cpu, memory, attributes, agentVersion,
                registeredAt, null, registeredAt);
    }

    public InstanceRow withStatus(String newStatus, String reason) {
        return new InstanceRow(arn, cluster, clusterArn, ec2InstanceId, newStatus, agentConnected, cpu, memory, attributes,
                agentVersion, registeredAt, reason, heartbeatAt);
    }

    /** A heartbeat: connected again, at {@code now}. */
    public InstanceRow heartbeat(long now) {
        return new InstanceRow(arn, cluster, clusterArn, ec2InstanceId, status, true, cpu, memory, attributes,
                agentVersion, registeredAt, statusReason, now);
    }

    public InstanceRow disconnected() {
        return new InstanceRow(arn, cluster, clusterArn, ec2InstanceId, status, false, cpu, memory, attributes,
                agentVersion, registeredAt, statusReason, heartbeatAt);
    }

    /** A re-registration by the agent: new resources, attributes and version; connected, same ARN. */
    public InstanceRow reRegistered(int newCpu, int newMemory, Map<String, String> newAttributes, String newAgentVersion,
                                    long now) {
        return new InstanceRow(arn, cluster, clusterArn, ec2InstanceId, "INACTIVE".equals(status) ? "ACTIVE" : status, true,
                newCpu, newMemory, newAttributes, newAgentVersion, registeredAt, null, now);
    }
}
