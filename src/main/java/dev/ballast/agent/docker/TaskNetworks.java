package dev.ballast.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.NetworkAddress;
import dev.ballast.model.EniAttachment;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The network namespaces of awsvpc tasks on an engine (docs/networking.md, "On the host"). A task's interface
 * ({@link AgentTask#eni()}) names an engine network; the first container of the task that starts joins that network
 * (a bridge network, created labelled {@link #LABEL_NETWORK} when missing, and left in place when tasks stop) and so
 * gets the task's own namespace and address; every later container of the task joins the namespace of one of the
 * task's running containers ({@code NetworkMode container:<id>}), so the task's containers reach each other on
 * {@code localhost} and no two tasks share a namespace. A container that finds none of the task's containers running
 * (an init container ran first and exited) joins the network again, asking for the address already reported, so the
 * task keeps its address. Thread-safe.
 */
final class TaskNetworks {

    /** Label on the networks Ballast created. */
    static final String LABEL_NETWORK = "dev.ballast.network";

    private final DockerClient docker;

    TaskNetworks(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * The {@code NetworkMode} of a new container of the awsvpc task: the namespace of a running container of the
     * task, or else the task's network (created if missing).
     */
    String networkMode(AgentTask task, EniAttachment eni) {
        List<Container> running = docker.listContainersCmd()
                .withLabelFilter(Map.of(DockerRuntime.LABEL_TASK_ARN, task.arn()))
                .withStatusFilter(List.of("running"))
                .exec();
        if (!running.isEmpty()) {
            return "container:" + running.getFirst().getId();
        }
        ensure(eni.networkName());
        return eni.networkName();
    }

    /**
     * Creates the bridge network {@code name} unless the engine has it; asked once per task namespace (not cached:
     * a network removed meanwhile is created again).
     */
    void ensure(String name) {
        try {
            docker.inspectNetworkCmd().withNetworkId(name).exec();
        } catch (NotFoundException e) {
            try {
                docker.createNetworkCmd()
                        .withName(name)
                        .withDriver("bridge")
                        .withLabels(Map.of(LABEL_NETWORK, "true"))
                        .exec();
            } catch (ConflictException created) {
                // another agent or pass created it meanwhile
            } catch (DockerException refused) {
                // Podman answers 500 "network already exists" when another task's start created it meanwhile
                if (!EngineImages.engineMessage(refused).contains("already exists")) {
                    throw refused;
                }
            }
        }
    }

    /**
     * The address of the namespace container {@code runtimeId} runs in, on the task's network: read from the
     * container that joined the network (itself, or the one whose namespace it joined).
     */
    Optional<NetworkAddress> address(String runtimeId, EniAttachment eni) {
        String id = runtimeId;
        for (int hops = 0; hops < 2; hops++) {
            InspectContainerResponse inspect;
            try {
                inspect = docker.inspectContainerCmd(id).exec();
            } catch (NotFoundException e) {
                return Optional.empty();
            }
            String mode = inspect.getHostConfig() == null
                    ? null
                    : inspect.getHostConfig().getNetworkMode();
            if (mode != null && mode.startsWith("container:")) {
                id = mode.substring("container:".length());
                continue;
            }
            Map<String, ContainerNetwork> networks = inspect.getNetworkSettings() == null
                    ? null
                    : inspect.getNetworkSettings().getNetworks();
            ContainerNetwork n = networks == null ? null : networks.get(eni.networkName());
            if (n == null || n.getIpAddress() == null || n.getIpAddress().isBlank()) {
                return Optional.empty();
            }
            String mac = n.getMacAddress() == null || n.getMacAddress().isBlank() ? null : n.getMacAddress();
            return Optional.of(new NetworkAddress(n.getIpAddress(), mac));
        }
        return Optional.empty();
    }
}
