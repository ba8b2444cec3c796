package dev.ballast.agent.docker;

import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.TaskDefinition;
import java.util.List;
import java.util.Optional;

/**
 * What the engine needs from one ECS container definition (API reference, "ContainerDefinition"): command,
 * entry point, environment, working directory, port mappings, memory and CPU, from the typed task definition;
 * absent fields keep the image's defaults.
 *
 * @param memoryMiB hard limit ({@code memory}), or null
 * @param memoryReservationMiB soft limit ({@code memoryReservation}), or null
 * @param cpuUnits CPU units ({@code cpu}), which Docker takes as relative shares; 0 when absent
 * @param networkMode the task's {@code networkMode} ({@code bridge}, {@code host}, {@code none}), or null
 */
record ContainerSpec(
        List<String> command,
        List<String> entryPoint,
        List<String> environment,
        String workingDirectory,
        List<PortMapping> portMappings,
        Integer memoryMiB,
        Integer memoryReservationMiB,
        int cpuUnits,
        Integer stopTimeoutSeconds,
        String networkMode) {

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

    static final ContainerSpec DEFAULTS =
            new ContainerSpec(List.of(), List.of(), List.of(), null, List.of(), null, null, 0, null, null);

    /**
     * The spec of container {@code name} of {@code taskDefinition}; empty when it has no container of that name.
     */
    static Optional<ContainerSpec> of(TaskDefinition taskDefinition, String name) {
        String networkMode = taskDefinition.networkMode() == null
                ? null
                : taskDefinition.networkMode().wire();
        return taskDefinition.container(name).map(c -> from(c, networkMode));
    }

    private static ContainerSpec from(ContainerDefinition c, String networkMode) {
        List<String> env =
                c.environment().stream().map(kv -> kv.name() + "=" + kv.value()).toList();
        List<PortMapping> ports = c.portMappings().stream()
                .filter(p -> p.containerPort() > 0)
                .map(p -> new PortMapping(
                        p.containerPort(), p.hostPort(), p.protocol().wire()))
                .toList();
        return new ContainerSpec(
                c.command(),
                c.entryPoint(),
                env,
                c.workingDirectory() == null || c.workingDirectory().isEmpty() ? null : c.workingDirectory(),
                ports,
                positive(c.memory()),
                positive(c.memoryReservation()),
                Math.max(0, c.cpu()),
                positive(c.stopTimeout()),
                networkMode);
    }

    /** Docker's {@code CpuShares} for {@link #cpuUnits}: 0 (engine default) when unset, else at least 2. */
    long cpuShares() {
        return cpuUnits == 0 ? 0 : Math.max(MIN_CPU_SHARES, cpuUnits);
    }

    private static Integer positive(Integer value) {
        return value != null && value > 0 ? value : null;
    }
}
