package dev.ballast.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.HealthStatus;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code dependsOn} of a task definition's containers (ECS {@code ContainerDependency}) and the pure
 * rule that says whether a container may start now. A dependency is met when the container it names has
 * reached the condition: START — it started (it may have exited since); COMPLETE — it exited, with any
 * code; SUCCESS — it exited with 0; HEALTHY — its health check (run by the agent, see {@link HealthMonitor})
 * passed. A dependency that can no longer be met (a SUCCESS dependency exited with another code, a HEALTHY
 * dependency became UNHEALTHY or exited first, or the dependency stopped without ever starting) makes the
 * container unable to start.
 */
final class Dependencies {

    /** ECS {@code ContainerCondition}. */
    enum Condition { START, COMPLETE, SUCCESS, HEALTHY }

    /** One {@code dependsOn} entry: {@code container} must reach {@code condition}. */
    record Dependency(String container, Condition condition) {
        Dependency {
            Objects.requireNonNull(container, "container");
            Objects.requireNonNull(condition, "condition");
        }
    }

    /** Whether a container may start. */
    sealed interface Verdict {
        /** Every dependency is met. */
        record Ready() implements Verdict {}

        /** Some dependency is not met yet but still can be. */
        record Wait(Dependency on) implements Verdict {}

        /** Some dependency can never be met; {@code reason} says which and why. */
        record Never(Dependency on, String reason) implements Verdict {}
    }

    static final Dependencies NONE = new Dependencies(Map.of());

    private final Map<String, List<Dependency>> byContainer;

    private Dependencies(Map<String, List<Dependency>> byContainer) {
        this.byContainer = Map.copyOf(byContainer);
    }

    /**
     * The dependencies in a task definition document (ECS JSON). Entries with a condition Ballast does not
     * know are read as START; a document that does not parse has none (it was validated at registration).
     */
    static Dependencies parse(String taskDefinitionDoc) {
        if (taskDefinitionDoc == null) {
            return NONE;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(taskDefinitionDoc);
        } catch (IOException e) {
            return NONE;
        }
        Map<String, List<Dependency>> out = new LinkedHashMap<>();
        for (JsonNode c : root.path("containerDefinitions")) {
            List<Dependency> deps = new ArrayList<>();
            for (JsonNode d : c.path("dependsOn")) {
                String name = d.path("containerName").asText("");
                if (!name.isEmpty()) {
                    deps.add(new Dependency(name, condition(d.path("condition").asText("START"))));
                }
            }
            if (!deps.isEmpty()) {
                out.put(c.path("name").asText(), List.copyOf(deps));
            }
        }
        return new Dependencies(out);
    }

    private static Condition condition(String s) {
        try {
            return Condition.valueOf(s);
        } catch (IllegalArgumentException e) {
            return Condition.START;
        }
    }

    /** The dependencies of {@code container}, in definition order. */
    List<Dependency> on(String container) {
        return byContainer.getOrDefault(container, List.of());
    }

    /** Whether {@code container} may start, given the task's containers as they are now (by name). */
    Verdict check(String container, Map<String, AgentContainer> containers) {
        Verdict verdict = new Verdict.Ready();
        for (Dependency d : on(container)) {
            AgentContainer target = containers.get(d.container());
            Verdict v = target == null
                    ? new Verdict.Never(d, "container " + container + " depends on " + d.container()
                            + ", which is not a container of this task")
                    : check(container, d, target);
            if (v instanceof Verdict.Never) {
                return v;
            }
            if (v instanceof Verdict.Wait && verdict instanceof Verdict.Ready) {
                verdict = v;
            }
        }
        return verdict;
    }

    /** Whether dependency {@code d} of {@code container} is met by {@code target} as it is now. */
    static Verdict check(String container, Dependency d, AgentContainer target) {
        boolean started = target.runtimeId() != null;
        boolean stopped = target.lastStatus() == ContainerStatus.STOPPED;
        if (stopped && !started) {
            return new Verdict.Never(d, "container " + container + " depends on " + d.container() + " (condition "
                    + d.condition() + "), which stopped without starting");
        }
        return switch (d.condition()) {
            case START -> started ? new Verdict.Ready() : new Verdict.Wait(d);
            case HEALTHY -> target.healthStatus() == HealthStatus.HEALTHY ? new Verdict.Ready()
                    : target.healthStatus() == HealthStatus.UNHEALTHY
                    ? new Verdict.Never(d, "container " + container + " depends on " + d.container()
                            + " (condition HEALTHY), which is UNHEALTHY")
                    : stopped ? new Verdict.Never(d, "container " + container + " depends on " + d.container()
                            + " (condition HEALTHY), which exited before it was HEALTHY")
                    : new Verdict.Wait(d);
            case COMPLETE -> stopped ? new Verdict.Ready() : new Verdict.Wait(d);
            case SUCCESS -> !stopped ? new Verdict.Wait(d)
                    : Integer.valueOf(0).equals(target.exitCode()) ? new Verdict.Ready()
                    : new Verdict.Never(d, "container " + container + " depends on " + d.container()
                            + " (condition SUCCESS), which exited with code " + target.exitCode());
        };
    }

    /**
     * The containers in the order to stop them: a container before the containers it depends on (ECS
     * reverses the start-up dependencies at shutdown). Containers without dependencies keep their order.
     */
    List<AgentContainer> stopOrder(List<AgentContainer> containers) {
        List<AgentContainer> startOrder = new ArrayList<>();
        Map<String, AgentContainer> pending = new LinkedHashMap<>();
        containers.forEach(c -> pending.put(c.name(), c));
        while (!pending.isEmpty()) {
            AgentContainer next = pending.values().stream()
                    .filter(c -> on(c.name()).stream().noneMatch(d -> pending.containsKey(d.container())))
                    .findFirst().orElse(pending.values().iterator().next()); // a cycle (refused at registration)
            startOrder.add(next);
            pending.remove(next.name());
        }
        return startOrder.reversed();
    }
}
