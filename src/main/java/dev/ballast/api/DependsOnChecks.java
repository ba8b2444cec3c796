package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.model.ContainerCondition;
import dev.ballast.model.ContainerDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Task-wide rules of {@code dependsOn} (ECS {@code ContainerDependency}) at RegisterTaskDefinition; the
 * per-entry rule (it names another container of the task) is in {@link ContainerChecks}. COMPLETE and
 * SUCCESS wait for a container to exit, so ECS does not allow them on an essential container (its exit
 * stops the task); and the dependencies must not form a cycle, which no container could start from.
 */
final class DependsOnChecks {
    private DependsOnChecks() {}

    static void check(JsonNode containers) {
        Map<String, Boolean> essential = new HashMap<>();
        Map<String, List<String>> edges = new LinkedHashMap<>();
        for (JsonNode c : containers) {
            String name = c.path("name").asText();
            essential.put(name, c.path("essential").asBoolean(ContainerDefinition.DEFAULT_ESSENTIAL));
            List<String> targets = new ArrayList<>();
            c.path("dependsOn").forEach(d -> targets.add(d.path("containerName").asText("")));
            edges.put(name, targets);
        }
        for (JsonNode c : containers) {
            String name = c.path("name").asText();
            for (JsonNode d : c.path("dependsOn")) {
                String target = d.path("containerName").asText("");
                String condition = d.path("condition").asText("");
                if ((condition.equals(ContainerCondition.COMPLETE.wire())
                                || condition.equals(ContainerCondition.SUCCESS.wire()))
                        && essential.getOrDefault(target, false)) {
                    throw AwsException.client("Invalid 'dependsOn' condition '" + condition + "' for container '" + name
                            + "': container '" + target + "' is essential; COMPLETE and SUCCESS can only be used on"
                            + " containers with 'essential' set to false.");
                }
            }
        }
        Map<String, Integer> state = new HashMap<>(); // 1 on the path, 2 done
        for (String name : edges.keySet()) {
            List<String> cycle = cycleFrom(name, edges, state, new ArrayList<>());
            if (cycle != null) {
                throw AwsException.client("Invalid 'dependsOn' for container '" + cycle.get(0)
                        + "': the container dependencies form a cycle (" + String.join(" -> ", cycle) + ").");
            }
        }
    }

    /** A cycle reachable from {@code name} as the path that closes it (first name repeated last), or null. */
    private static List<String> cycleFrom(
            String name, Map<String, List<String>> edges, Map<String, Integer> state, List<String> path) {
        Integer s = state.get(name);
        if (s != null && s == 2) {
            return null;
        }
        if (s != null) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(name), path.size()));
            cycle.add(name);
            return cycle;
        }
        state.put(name, 1);
        path.add(name);
        for (String target : edges.getOrDefault(name, List.of())) {
            if (edges.containsKey(target)) {
                List<String> cycle = cycleFrom(target, edges, state, path);
                if (cycle != null) {
                    return cycle;
                }
            }
        }
        path.removeLast();
        state.put(name, 2);
        return null;
    }
}
