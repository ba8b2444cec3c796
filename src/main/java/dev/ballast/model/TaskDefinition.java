package dev.ballast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A registered task definition revision as Ballast uses it (ECS {@code TaskDefinition}): read from the
 * registered document, which stays the record of what was sent (describe calls echo it). Revisions are
 * immutable, so one is parsed once per ARN (see {@code store.TaskDefinitionRecord#definition()}).
 *
 * @param arn the {@code taskDefinitionArn}
 * @param cpu the task-level {@code cpu} as written ({@code "256"}, {@code "1 vCPU"}), or null
 * @param memory the task-level {@code memory} as written ({@code "512"}, {@code "1 GB"}), or null
 * @param networkMode as registered, or null when the document names none (see {@link #effectiveNetworkMode()})
 * @param containers the {@code containerDefinitions}, in order
 * @param requiresCompatibilities the launch types the task definition was registered for, as written (ECS
 *     {@code Compatibility} strings; {@code MANAGED_INSTANCES} is kept as a string)
 */
public record TaskDefinition(
        String family,
        int revision,
        @JsonProperty("taskDefinitionArn") String arn,
        String cpu,
        String memory,
        NetworkMode networkMode,
        @JsonProperty("containerDefinitions") List<ContainerDefinition> containers,
        List<String> requiresCompatibilities) {

    public TaskDefinition {
        containers = containers == null ? List.of() : List.copyOf(containers);
        requiresCompatibilities = requiresCompatibilities == null ? List.of() : List.copyOf(requiresCompatibilities);
    }

    /** A task definition without {@code requiresCompatibilities} (EC2 only). */
    public TaskDefinition(
            String family,
            int revision,
            String arn,
            String cpu,
            String memory,
            NetworkMode networkMode,
            List<ContainerDefinition> containers) {
        this(family, revision, arn, cpu, memory, networkMode, containers, List.of());
    }

    /**
     * Whether tasks of {@code launchType} may run from this revision, as its {@code compatibilities} say: every
     * revision is EC2-compatible; others only when {@code requiresCompatibilities} names them (as ECS answers
     * "Task definition does not support launch_type FARGATE.").
     */
    public boolean compatibleWith(LaunchType launchType) {
        return launchType == LaunchType.EC2 || requiresCompatibilities.contains(launchType.wire());
    }

    /** The network mode the task runs with: as registered, else ECS's default on EC2 ({@link NetworkMode#DEFAULT}). */
    public NetworkMode effectiveNetworkMode() {
        return networkMode == null ? NetworkMode.DEFAULT : networkMode;
    }

    /** The container named {@code name}, if the task definition has one. */
    public Optional<ContainerDefinition> container(String name) {
        Objects.requireNonNull(name, "name");
        return containers.stream().filter(c -> c.name().equals(name)).findFirst();
    }
}
