package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Names;
import dev.ballast.core.TaskSizes;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.LaunchType;
import dev.ballast.model.Mode;
import dev.ballast.model.NetworkMode;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The checks ECS applies to RegisterTaskDefinition beyond the model's types: names, image reference
 * syntax, container count and size limits, memory and CPU rules, references between containers and
 * volumes, and {@code versionConsistency}. Every error names the container and field at fault.
 */
final class TaskDefinitionValidator {
    static final int MAX_CONTAINERS = 10;
    static final int MAX_BYTES = 64 * 1024;
    static final int MIN_CONTAINER_MEMORY_MIB = 6;
    /** Values of {@code versionConsistency} Ballast accepts (ECS's two plus the {@code consistent} alias and {@code default}). */
    static final Set<String> VERSION_CONSISTENCY = Mode.CONTAINER_VALUES;

    private TaskDefinitionValidator() {}

    static void validate(ObjectNode td, int serializedBytes) {
        String family = td.path("family").asText("");
        if (!Names.isValid(family)) {
            throw AwsException.client("Invalid 'family' '" + ShapeValidator.clip(family)
                    + "': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
        }
        if (serializedBytes > MAX_BYTES) {
            throw AwsException.client("Task definition '" + family + "' is " + serializedBytes
                    + " bytes; the maximum size of a task definition is 65536 bytes (64 KiB).");
        }
        JsonNode containers = td.path("containerDefinitions");
        if (containers.isEmpty()) {
            throw AwsException.client("Task definition '" + family + "' needs at least one container definition.");
        }
        if (containers.size() > MAX_CONTAINERS) {
            throw AwsException.client("Task definition '" + family + "' has " + containers.size()
                    + " container definitions; at most " + MAX_CONTAINERS + " are allowed.");
        }
        String networkMode = td.path("networkMode").asText("bridge");
        boolean fargate = false;
        for (JsonNode c : td.path("requiresCompatibilities")) {
            fargate |= c.asText().equals(LaunchType.FARGATE.wire());
        }
        Long taskMemory = td.has("memory") ? parseTaskMemory(td.path("memory").asText()) : null;
        Long taskCpu = td.has("cpu") ? parseTaskCpu(td.path("cpu").asText()) : null;
        if (fargate) {
            checkFargate(networkMode, taskCpu, taskMemory);
        }
        Set<String> volumes = new HashSet<>();
        for (JsonNode v : td.path("volumes")) {
            String name = v.path("name").asText("");
            if (!Names.isValid(name) || !volumes.add(name)) {
                throw AwsException.client(
                        "Invalid or duplicate volume name '" + ShapeValidator.clip(name) + "' in 'volumes'.");
            }
        }
        Set<String> names = new HashSet<>();
        for (JsonNode c : containers) {
            String name = c.path("name").asText("");
            if (!Names.isValid(name)) {
                throw AwsException.client(
                        "Invalid container name '" + ShapeValidator.clip(name)
                                + "' in 'containerDefinitions': up to 255 letters (uppercase and lowercase), numbers, underscores, and hyphens are allowed.");
            }
            if (!names.add(name)) {
                throw AwsException.client(
                        "Container name '" + name + "' appears more than once in 'containerDefinitions'.");
            }
        }
        long memorySum = 0;
        boolean anyEssential = false;
        for (JsonNode c : containers) {
            memorySum += ContainerChecks.check((ObjectNode) c, names, volumes, networkMode, taskMemory != null);
            anyEssential |= c.path("essential").asBoolean(ContainerDefinition.DEFAULT_ESSENTIAL);
        }
        DependsOnChecks.check(containers);
        ContainerChecks.checkHealthyDependencies(containers);
        if (!anyEssential) {
            throw AwsException.client("Task definition '" + family + "' needs at least one essential container.");
        }
        if (taskMemory != null && memorySum > taskMemory) {
            throw AwsException.client("The containers of task definition '" + family + "' ask for " + memorySum
                    + " MiB of memory in all, more than the task's 'memory' of " + taskMemory + " MiB.");
        }
    }

    /**
     * ECS's rules for a task definition that requires FARGATE: networkMode awsvpc, task-level cpu and memory, in
     * one of the combinations Fargate offers ({@link FargateSizes}).
     */
    private static void checkFargate(String networkMode, Long taskCpu, Long taskMemory) {
        if (taskCpu == null) {
            throw AwsException.client("Fargate requires that 'cpu' be defined at the task level.");
        }
        if (taskMemory == null) {
            throw AwsException.client("Fargate requires that 'memory' be defined at the task level.");
        }
        if (!networkMode.equals(NetworkMode.AWSVPC.wire())) {
            throw AwsException.client("Fargate only supports network mode 'awsvpc'.");
        }
        FargateSizes.check(taskCpu, taskMemory);
    }

    /** Task memory in MiB from "512", "1GB" or "1 GB". */
    static long parseTaskMemory(String s) {
        long mib = TaskSizes.memoryMiB(s);
        if (mib < 0) {
            throw AwsException.client("Invalid task 'memory' '" + ShapeValidator.clip(s)
                    + "': give MiB as an integer (1024) or GB as a string (1GB, 1 GB).");
        }
        if (mib < MIN_CONTAINER_MEMORY_MIB) {
            throw AwsException.client(
                    "Invalid task 'memory' '" + ShapeValidator.clip(s) + "': at least 6 MiB is required.");
        }
        return mib;
    }

    /** Task CPU units from "1024" or "1 vCPU". */
    static long parseTaskCpu(String s) {
        long units = TaskSizes.cpuUnits(s);
        if (units < 0) {
            throw AwsException.client("Invalid task 'cpu' '" + ShapeValidator.clip(s)
                    + "': give CPU units as an integer (1024) or vCPUs as a string (1 vCPU).");
        }
        if (units < 128 && !s.toLowerCase(Locale.ROOT).contains("vcpu") && units != 0) {
            throw AwsException.client(
                    "Invalid task 'cpu' '" + ShapeValidator.clip(s) + "': at least 128 CPU units are required.");
        }
        return units;
    }
}
