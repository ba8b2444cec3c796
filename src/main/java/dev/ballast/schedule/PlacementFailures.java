package dev.ballast.schedule;

import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.store.InstanceRow;
import java.util.List;

/**
 * The reasons placement gives when a task cannot be placed, and the service events that explain them, in ECS's
 * words (Amazon ECS developer guide, "Service event messages"; API failure reasons).
 */
public final class PlacementFailures {
    /** No container instance is registered (ACTIVE) in the cluster. */
    public static final String NO_INSTANCES = "No Container Instances were found in your cluster.";
    /** ECS's failure reason when the instances are registered but their agents are disconnected. */
    public static final String AGENT = "AGENT";
    /** A FARGATE task, and no instance whose agent offers serverless capacity (attribute ballast.serverless). */
    public static final String NO_SERVERLESS = "No container instance in your cluster offers serverless (FARGATE) "
            + "capacity: start an agent with --serverless, or a server without --no-serverless.";

    private PlacementFailures() {}

    /** A task through capacity provider {@code provider}, which PutClusterCapacityProviders removed meanwhile. */
    public static String notAssociated(String provider, String cluster) {
        return "Capacity provider " + provider + " is no longer associated with cluster " + cluster + ".";
    }

    /**
     * A task through capacity provider {@code provider}, and no ACTIVE instance of the cluster in its pool: the
     * instances whose attribute {@code attribute} is {@code group} ({@code group} null: the provider no longer
     * exists).
     */
    public static String emptyPool(String provider, String attribute, String group) {
        if (group == null) {
            return "Capacity provider " + provider + " no longer exists, so its pool has no container instance.";
        }
        return "No container instance in your cluster is in capacity provider " + provider + "'s pool (attribute "
                + attribute + "=" + group + "): start an agent with --attribute " + attribute + "=" + group
                + ", or put that attribute on an instance with PutAttributes.";
    }

    /** The reason when no instance can take a task at all: none registered, or none whose agent is connected. */
    static String noConnectedInstance(List<InstanceRow> instances) {
        return instances.stream()
                        .anyMatch(i -> i.status().equals(ContainerInstanceStatus.ACTIVE.wire()) && !i.agentConnected())
                ? AGENT
                : NO_INSTANCES;
    }

    /** The service event for a placement that failed with {@code reason} (one sentence each, ending in one period). */
    public static String serviceEvent(String serviceName, String reason) {
        String prefix = "(service " + serviceName
                + ") was unable to place a task because no container instance met all of its requirements.";
        if (AGENT.equals(reason)) {
            return prefix
                    + " The closest matching container-instance encountered error \"AGENT\": the cluster's container"
                    + " instances are registered, but their agents are disconnected.";
        }
        return prefix + " Reason: " + reason + (reason.endsWith(".") ? "" : ".");
    }
}
