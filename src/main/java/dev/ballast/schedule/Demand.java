package dev.ballast.schedule;

import dev.ballast.core.HostPorts;
import dev.ballast.core.TaskSizes;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.NetworkMode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TransportProtocol;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU units, MiB and host ports a task reserves on its container instance: the task-level sizes when
 * the task definition has them, otherwise the sum over containers ({@code cpu}; {@code memory}, else
 * {@code memoryReservation}); the fixed host ports of its port mappings (see {@link #ports(TaskDefinition)}).
 */
public record Demand(int cpu, int memory, HostPorts ports) {

    public Demand {
        ports = ports == null ? HostPorts.NONE : ports;
    }

    public Demand(int cpu, int memory) {
        this(cpu, memory, HostPorts.NONE);
    }

    public static Demand of(TaskDefinition taskDefinition) {
        long cpu = taskDefinition.cpu() != null ? TaskSizes.cpuUnits(taskDefinition.cpu()) : -1;
        long memory = taskDefinition.memory() != null ? TaskSizes.memoryMiB(taskDefinition.memory()) : -1;
        long cpuSum = 0;
        long memorySum = 0;
        for (ContainerDefinition c : taskDefinition.containers()) {
            cpuSum += c.cpu();
            memorySum += c.memory() != null ? c.memory() : c.memoryReservation() != null ? c.memoryReservation() : 0;
        }
        return new Demand(
                (int) (cpu >= 0 ? cpu : cpuSum), (int) (memory >= 0 ? memory : memorySum), ports(taskDefinition));
    }

    /**
     * The host ports a task of this task definition takes on its instance. In {@code bridge} mode (the
     * default) a mapping's {@code hostPort} when it is set and not 0; in {@code host} mode the
     * {@code hostPort}, else the {@code containerPort}; in {@code none} mode nothing, and in {@code awsvpc} mode
     * nothing either (each task has its own network namespace and address, so its ports take none of the host's). UDP mappings count
     * as {@code PORTS_UDP}, the rest as {@code PORTS}.
     */
    public static HostPorts ports(TaskDefinition taskDefinition) {
        NetworkMode mode = taskDefinition.effectiveNetworkMode();
        if (mode == NetworkMode.NONE || mode == NetworkMode.AWSVPC) {
            return HostPorts.NONE;
        }
        List<Integer> tcp = new ArrayList<>();
        List<Integer> udp = new ArrayList<>();
        for (ContainerDefinition c : taskDefinition.containers()) {
            for (ContainerDefinition.PortMapping p : c.portMappings()) {
                int host = p.hostPort();
                if (host == 0 && mode == NetworkMode.HOST) {
                    host = p.containerPort();
                }
                if (host > 0) {
                    (p.protocol() == TransportProtocol.UDP ? udp : tcp).add(host);
                }
            }
        }
        return new HostPorts(tcp, udp);
    }
}
