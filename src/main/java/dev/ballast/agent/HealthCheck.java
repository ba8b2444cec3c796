package dev.ballast.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A container definition's ECS {@code HealthCheck}, as the agent runs it: {@code exec} is the command to run in
 * the container ({@code ["CMD-SHELL", "cmd"]} becomes {@code ["/bin/sh", "-c", "cmd"]}; {@code ["CMD", "prog",
 * args…]} runs {@code prog args…} as is), with ECS's defaults for what is absent (interval 30 s, timeout 5 s,
 * retries 3, no start period). Ranges were checked at RegisterTaskDefinition; tests may use shorter times.
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

    /** The health checks of a task definition's containers, by container name; containers without one are absent. */
    static Map<String, HealthCheck> parse(String taskDefinitionDoc) {
        if (taskDefinitionDoc == null) {
            return Map.of();
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(taskDefinitionDoc);
        } catch (IOException e) {
            return Map.of();
        }
        Map<String, HealthCheck> out = new LinkedHashMap<>();
        for (JsonNode c : root.path("containerDefinitions")) {
            JsonNode h = c.path("healthCheck");
            List<String> command = new ArrayList<>();
            h.path("command").forEach(n -> command.add(n.asText()));
            List<String> exec = execOf(command);
            if (!exec.isEmpty()) {
                out.put(c.path("name").asText(), new HealthCheck(exec, seconds(h, "interval", 30), seconds(h, "timeout", 5),
                        h.path("retries").asInt(3), seconds(h, "startPeriod", 0)));
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

    private static Duration seconds(JsonNode h, String member, int defaultSeconds) {
        JsonNode n = h.get(member);
        return Duration.ofSeconds(n == null || !n.canConvertToInt() ? defaultSeconds : n.asInt());
    }
}
