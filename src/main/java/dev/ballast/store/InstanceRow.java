package dev.ballast.store;

import java.util.Map;

/** A container instance (an agent's host, or a simulated one). Resources in CPU units and MiB. */
public record InstanceRow(String arn, String cluster, String clusterArn, String ec2InstanceId, String status,
                         boolean agentConnected, int cpu, int memory, Map<String, String> attributes, String agentVersion,
                         long registeredAt) {}
