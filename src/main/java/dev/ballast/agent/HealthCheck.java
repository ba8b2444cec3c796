package dev.ballast.agent;

import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.TaskDefinition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container definition's ECS {@code HealthCheck}, as the agent runs it: {@code exec} is the command to run in
 * the container ({@code ["CMD-SHELL", "cmd"]} becomes {@code ["/bin/sh", "-c", "cmd"]}; {@code ["CMD", "prog",
 * args…]} runs {@code prog args…} as is), with the model's ECS defaults for what is absent. Ranges were checked
 * at RegisterTaskDefinition; tests may use shorter times.
 */
record HealthCheck(List<String> exec, Duration interval, Duration timeout, int retries, Duration startPeriod) {
    HealthCheck {
        exec = List.copyOf(exec);
        if (exec.isEmpty()) {
            throw new IllegalArgumentException("a health check needs a command");
        }
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(startPeriod, "startPeriod");
        if (retries < 1 || interval.isNegative() || interval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("health check needs retries >= 1 and positive interval and timeout");
        }
    }

    /**
     * The health checks of a task definition's containers, by container name; containers without one (or with
     * {@code ["NONE"]}) are absent. Absent times and retries have ECS's defaults ({@link ContainerDefinition.HealthCheck}).
     */
    static Map<String, HealthCheck> of(TaskDefinition taskDefinition) {
        Map<String, HealthCheck> out = new LinkedHashMap<>();
        for (ContainerDefinition c : taskDefinition.containers()) {
            ContainerDefinition.HealthCheck h = c.healthCheck();
            List<String> exec = h == null ? List.of() : execOf(h.command());
            if (!exec.isEmpty()) {
                out.put(c.name(), new HealthCheck(exec, h.interval(), h.timeout(), h.retries(), h.startPeriod()));
            }
        }
        return Map.copyOf(out);
    }

    /** The command to exec for an ECS health-check command; empty for {@code ["NONE"]} or anything unusable. */
    static List<String> execOf(List<String> command) {
        if (command.size() < 2) {
            return List.of();
        }
        List<String> rest = command.subList(1, command.size());
        return switch (command.get(0)) {
            case "CMD" -> List.copyOf(rest);
            case "CMD-SHELL" -> List.of("/bin/sh", "-c", String.join(" ", rest));
            default -> List.of();
        };
    }
}
