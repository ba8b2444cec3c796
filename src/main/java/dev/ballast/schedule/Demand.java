package dev.ballast.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.HostPorts;
import dev.ballast.core.TaskSizes;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU units, MiB and host ports a task reserves on its container instance: the task-level sizes when
 * the task definition has them, otherwise the sum over containers ({@code cpu}; {@code memory}, else
 * {@code memoryReservation}); the fixed host ports of its port mappings (see {@link #ports(JsonNode)}).
 */
public record Demand(int cpu, int memory, HostPorts ports) {

    public Demand {
        ports = ports == null ? HostPorts.NONE : ports;
    }

    public Demand(int cpu, int memory) {
        this(cpu, memory, HostPorts.NONE);
    }

    public static Demand of(JsonNode taskDefinition) {
        long cpu = taskDefinition.hasNonNull("cpu") ? TaskSizes.cpuUnits(taskDefinition.get("cpu").asText()) : -1;
        long memory = taskDefinition.hasNonNull("memory") ? TaskSizes.memoryMiB(taskDefinition.get("memory").asText()) : -1;
        long cpuSum = 0;
        long memorySum = 0;
        for (JsonNode c : taskDefinition.path("containerDefinitions")) {
            cpuSum += c.path("cpu").asInt(0);
            memorySum += c.has("memory") ? c.get("memory").asInt() : c.path("memoryReservation").asInt(0);
        }
        return new Demand((int) (cpu >= 0 ? cpu : cpuSum), (int) (memory >= 0 ? memory : memorySum), ports(taskDefinition));
    }

    /**
     * The host ports a task of this task definition takes on its instance. In {@code bridge} mode (the
     * default) a mapping's {@code hostPort} when it is set and not 0; in {@code host} mode the
     * {@code hostPort}, else the {@code containerPort}; in {@code none} mode nothing. UDP mappings count
     * as {@code PORTS_UDP}, the rest as {@code PORTS}.
     */
    public static HostPorts ports(JsonNode taskDefinition) {
        String mode = taskDefinition.path("networkMode").asText("bridge");
        if (mode.equals("none")) {
            return HostPorts.NONE;
        }
        List<Integer> tcp = new ArrayList<>();
        List<Integer> udp = new ArrayList<>();
        for (JsonNode c : taskDefinition.path("containerDefinitions")) {
            for (JsonNode p : c.path("portMappings")) {
                int host = p.path("hostPort").asInt(0);
                if (host == 0 && mode.equals("host")) {
                    host = p.path("containerPort").asInt(0);
                }
                if (host > 0) {
                    ("udp".equals(p.path("protocol").asText("tcp")) ? udp : tcp).add(host);
                }
            }
        }
        return new HostPorts(tcp, udp);
    }
}
