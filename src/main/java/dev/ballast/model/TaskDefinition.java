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
 */
public record TaskDefinition(
        String family,
        int revision,
        @JsonProperty("taskDefinitionArn") String arn,
        String cpu,
        String memory,
        NetworkMode networkMode,
        @JsonProperty("containerDefinitions") List<ContainerDefinition> containers) {

    public TaskDefinition {
        containers = containers == null ? List.of() : List.copyOf(containers);
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
