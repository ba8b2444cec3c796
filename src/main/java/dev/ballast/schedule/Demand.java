package dev.ballast.schedule;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.core.TaskSizes;

/**
 * The CPU units and MiB a task reserves on its container instance: the task-level sizes when the task
 * definition has them, otherwise the sum over containers ({@code cpu}; {@code memory}, else
 * {@code memoryReservation}).
 */
public record Demand(int cpu, int memory) {

    public static Demand of(JsonNode taskDefinition) {
        long cpu = taskDefinition.hasNonNull("cpu") ? TaskSizes.cpuUnits(taskDefinition.get("cpu").asText()) : -1;
        long memory = taskDefinition.hasNonNull("memory") ? TaskSizes.memoryMiB(taskDefinition.get("memory").asText()) : -1;
        long cpuSum = 0;
        long memorySum = 0;
        for (JsonNode c : taskDefinition.path("containerDefinitions")) {
            cpuSum += c.path("cpu").asInt(0);
            memorySum += c.has("memory") ? c.get("memory").asInt() : c.path("memoryReservation").asInt(0);
        }
        return new Demand((int) (cpu >= 0 ? cpu : cpuSum), (int) (memory >= 0 ? memory : memorySum));
    }
}
