package dev.ballast.agent.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the engine needs from one ECS container definition (API reference, "ContainerDefinition"): command,
 * entry point, environment, working directory, port mappings, memory and CPU. Read from the task
 * definition JSON as registered; absent fields keep the image's defaults.
 *
 * @param memoryMiB hard limit ({@code memory}), or null
 * @param memoryReservationMiB soft limit ({@code memoryReservation}), or null
 * @param cpuUnits CPU units ({@code cpu}), which Docker takes as relative shares; 0 when absent
 * @param networkMode the task's {@code networkMode} ({@code bridge}, {@code host}, {@code none}), or null
 */
record ContainerSpec(List<String> command, List<String> entryPoint, List<String> environment, String workingDirectory,
                     List<PortMapping> portMappings, Integer memoryMiB, Integer memoryReservationMiB, int cpuUnits,
                     Integer stopTimeoutSeconds, String networkMode) {

    /** One {@code portMappings} entry; {@code hostPort} 0 lets the engine choose. */
    record PortMapping(int containerPort, int hostPort, String protocol) {}

    /** Docker ignores fewer than 2 shares (the kernel minimum); ECS sends at least 2 as well. */
    static final int MIN_CPU_SHARES = 2;

    ContainerSpec {
        command = List.copyOf(command);
        entryPoint = List.copyOf(entryPoint);
        environment = List.copyOf(environment);
        portMappings = List.copyOf(portMappings);
    }

    static final ContainerSpec DEFAULTS = new ContainerSpec(List.of(), List.of(), List.of(), null, List.of(), null, null,
            0, null, null);

    /**
     * The spec of container {@code name} in the task definition {@code doc} (ECS JSON); empty when the
     * document has no container of that name.
     *
     * @throws IllegalArgumentException when {@code doc} is not JSON
     */
    static Optional<ContainerSpec> fromTaskDefinition(String doc, String name) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(doc);
        } catch (IOException e) {
            throw new IllegalArgumentException("task definition is not JSON: " + e.getMessage(), e);
        }
        String networkMode = text(root.path("networkMode"));
        for (JsonNode c : root.path("containerDefinitions")) {
            if (name.equals(c.path("name").asText())) {
                return Optional.of(from(c, networkMode));
            }
        }
        return Optional.empty();
    }

    private static ContainerSpec from(JsonNode c, String networkMode) {
        List<String> env = new ArrayList<>();
        for (JsonNode kv : c.path("environment")) {
            env.add(kv.path("name").asText() + "=" + kv.path("value").asText(""));
        }
        List<PortMapping> ports = new ArrayList<>();
        for (JsonNode p : c.path("portMappings")) {
            int containerPort = p.path("containerPort").asInt(0);
            if (containerPort > 0) {
                ports.add(new PortMapping(containerPort, p.path("hostPort").asInt(0), p.path("protocol").asText("tcp")));
            }
        }
        return new ContainerSpec(strings(c.path("command")), strings(c.path("entryPoint")), env,
                text(c.path("workingDirectory")), ports, positive(c.path("memory")), positive(c.path("memoryReservation")),
                Math.max(0, c.path("cpu").asInt(0)), positive(c.path("stopTimeout")), networkMode);
    }

    /** Docker's {@code CpuShares} for {@link #cpuUnits}: 0 (engine default) when unset, else at least 2. */
    long cpuShares() {
        return cpuUnits == 0 ? 0 : Math.max(MIN_CPU_SHARES, cpuUnits);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(JsonNode node) {
        return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
    }

    private static Integer positive(JsonNode node) {
        return node.isNumber() && node.asInt() > 0 ? node.asInt() : null;
    }
}
