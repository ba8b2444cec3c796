package dev.ballast.agent;

import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.ContainerDefinition.Dependency;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.TaskDefinition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The dependencies of a task definition's containers. */
    static Dependencies of(TaskDefinition taskDefinition) {
        Map<String, List<Dependency>> out = new LinkedHashMap<>();
        for (ContainerDefinition c : taskDefinition.containers()) {
            if (!c.dependsOn().isEmpty()) {
                out.put(c.name(), c.dependsOn());
            }
        }
        return new Dependencies(out);
    }

    /** The dependencies of {@code container}, in definition order. */
    List<Dependency> on(String container) {
        return byContainer.getOrDefault(container, List.of());
    }

    /** Whether {@code container} may start, given the task's containers as they are now (by name). */
    Verdict check(String container, Map<String, AgentContainer> containers) {
        Verdict verdict = new Verdict.Ready();
        for (Dependency d : on(container)) {
            AgentContainer target = containers.get(d.containerName());
            Verdict v = target == null
                    ? new Verdict.Never(
                            d,
                            "container " + container + " depends on " + d.containerName()
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
            return new Verdict.Never(
                    d,
                    "container " + container + " depends on " + d.containerName() + " (condition " + d.condition()
                            + "), which stopped without starting");
        }
        return switch (d.condition()) {
            case START -> started ? new Verdict.Ready() : new Verdict.Wait(d);
            case HEALTHY ->
                target.healthStatus() == HealthStatus.HEALTHY
                        ? new Verdict.Ready()
                        : target.healthStatus() == HealthStatus.UNHEALTHY
                                ? new Verdict.Never(
                                        d,
                                        "container " + container + " depends on " + d.containerName()
                                                + " (condition HEALTHY), which is UNHEALTHY")
                                : stopped
                                        ? new Verdict.Never(
                                                d,
                                                "container " + container + " depends on " + d.containerName()
                                                        + " (condition HEALTHY), which exited before it was HEALTHY")
                                        : new Verdict.Wait(d);
            case COMPLETE -> stopped ? new Verdict.Ready() : new Verdict.Wait(d);
            case SUCCESS ->
                !stopped
                        ? new Verdict.Wait(d)
                        : Integer.valueOf(0).equals(target.exitCode())
                                ? new Verdict.Ready()
                                : new Verdict.Never(
                                        d,
                                        "container " + container + " depends on " + d.containerName()
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
                    .filter(c -> on(c.name()).stream().noneMatch(d -> pending.containsKey(d.containerName())))
                    .findFirst()
                    .orElse(pending.values().iterator().next()); // a cycle (refused at registration)
            startOrder.add(next);
            pending.remove(next.name());
        }
        return startOrder.reversed();
    }
}
