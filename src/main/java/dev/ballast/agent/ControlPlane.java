package dev.ballast.agent;

import java.util.Map;
import java.util.Objects;

/**
 * The server as an agent sees it: where it registers its container instance, says it is alive, and finds the
 * tasks placed on it. The one path both kinds of agent take: agents embedded in the server use the server's
 * store through an adapter in {@code dev.ballast.api}; a remote {@code ballast agent} uses the API
 * ({@code RegisterContainerInstance}, {@code Heartbeat}, {@code PollTasks}; see {@code dev.ballast.agent.remote}).
 */
public interface ControlPlane {

    /**
     * What an agent registers.
     *
     * @param arn the instance ARN to register (again), or null for a new one the server names (remote agents)
     * @param ec2InstanceId the instance id to show, or null for the server's choice
     * @param cpu registered CPU units
     * @param memory registered memory, MiB
     * @param attributes ECS attributes the instance publishes
     * @param agentVersion {@code versionInfo.agentVersion}, e.g. {@code ballast-1.2.3}
     */
    record Registration(
            String cluster,
            String arn,
            String ec2InstanceId,
            int cpu,
            int memory,
            Map<String, String> attributes,
            String agentVersion) {
        public Registration {
            Objects.requireNonNull(cluster, "cluster");
            attributes = Map.copyOf(attributes);
        }
    }

    /**
     * Registers the instance, or finds it from an earlier run: then it is connected again, and re-registered
     * with this run's resources, attributes and version when they changed. Returns its ARN.
     */
    String register(Registration registration);

    /** Records that the instance's agent is alive at {@code now} (epoch ms). */
    void heartbeat(String instanceArn, long now);

    /** The source of the instance's tasks. */
    AgentTasks tasks(String instanceArn);
}
