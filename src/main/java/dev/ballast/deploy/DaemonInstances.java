package dev.ballast.deploy;

import dev.ballast.core.ModelJson;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.PlacementConstraint;
import dev.ballast.model.SchedulingStrategy;
import dev.ballast.model.ServiceStatus;
import dev.ballast.schedule.Constraints;
import dev.ballast.schedule.InvalidQueryException;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads what {@link DaemonPlan} needs from the store: how each container instance of a DAEMON service's cluster
 * stands for it, and which services of a cluster are DAEMON services (an instance's change wakes them).
 */
final class DaemonInstances {
    private final Store store;

    DaemonInstances(Store store) {
        this.store = store;
    }

    /**
     * The standing of every registered instance of {@code service}'s cluster; {@code live} are the service's tasks
     * not yet STOPPED (whether a DRAINING instance is busy is read only for instances that still host one). Null
     * when a {@code memberOf} expression does not parse (one stored before expressions were checked): that is
     * said once as a service event naming the expression, and the pass changes nothing.
     */
    Map<String, DaemonPlan.Standing> standings(ServiceRow service, List<TaskRow> live, Events events) {
        // the task definition's memberOf constraints, then the service's own, as placement applies them
        List<PlacementConstraint> declared = new ArrayList<>(store.taskDefinitions()
                .findByArn(service.taskDefinitionArn())
                .map(td -> ModelJson.placementConstraints(td.doc()))
                .orElse(List.of()));
        declared.addAll(ModelJson.launchSpec(service.spec()).placementConstraints());
        Constraints constraints;
        try {
            constraints = Constraints.compile(declared);
        } catch (InvalidQueryException e) {
            events.addOnce(
                    "invalid-expression|" + e.expression(),
                    "(service " + service.name() + ") was unable to place a task because a memberOf placement "
                            + "constraint is invalid: " + e.getMessage());
            return null;
        }
        // the other tasks on each instance, read once per pass: the service's own are left out, as
        // distinctInstance holds for one task per instance by design
        Map<String, List<TaskRow>> others = constraints.readsTasks() ? othersByInstance(service) : Map.of();
        String group = "service:" + service.name();
        Set<String> hosting = live.stream()
                .filter(t -> t.desiredStatus().equals(DesiredStatus.RUNNING.wire()))
                .map(TaskRow::containerInstanceArn)
                .collect(Collectors.toSet());
        Set<String> daemons = null; // read once, and only when a DRAINING instance hosts one of the service's tasks
        Map<String, DaemonPlan.Standing> out = new HashMap<>();
        for (Versioned<InstanceRow> v : store.instances().inCluster(service.cluster(), null)) {
            InstanceRow i = v.value();
            DaemonPlan.Standing standing;
            if (i.status().equals(ContainerInstanceStatus.DRAINING.wire())) {
                boolean busy = false;
                if (hosting.contains(i.arn())) {
                    daemons = daemons == null ? daemonServices(service.cluster()) : daemons;
                    busy = busy(i.arn(), daemons);
                }
                standing = busy ? DaemonPlan.Standing.DRAINING_BUSY : DaemonPlan.Standing.DRAINING_IDLE;
            } else if (!i.status().equals(ContainerInstanceStatus.ACTIVE.wire())) {
                standing = DaemonPlan.Standing.GONE;
            } else if (!constraints.admits(i, others.getOrDefault(i.arn(), List.of()), group)) {
                standing = DaemonPlan.Standing.UNMATCHED;
            } else {
                standing = i.agentConnected() ? DaemonPlan.Standing.ELIGIBLE : DaemonPlan.Standing.DISCONNECTED;
            }
            out.put(i.arn(), standing);
        }
        return out;
    }

    /**
     * {@code service} with {@code desiredCount} {@code desired} (a DAEMON service's follows its eligible instances),
     * written if it differs; null when the service changed meanwhile (or is no longer ACTIVE).
     */
    ServiceRow withDesired(ServiceRow service, int desired) {
        if (desired == service.desiredCount()) {
            return service;
        }
        Optional<Versioned<ServiceRow>> current = store.services().find(service.arn());
        boolean written = current.isPresent()
                && current.get().value().status().equals(ServiceStatus.ACTIVE.wire())
                && store.services()
                        .update(
                                current.get().value().withDesired(desired),
                                current.get().version());
        return written ? service.withDesired(desired) : null;
    }

    /** The live (ACTIVE or DRAINING) DAEMON services of the cluster of container instance {@code instanceArn} (none when unknown). */
    List<String> servicesOnInstance(String instanceArn) {
        Optional<Versioned<InstanceRow>> instance = store.instances().find(instanceArn);
        return instance.isEmpty()
                ? List.of()
                : List.copyOf(daemonServices(instance.get().value().cluster()));
    }

    /** The live tasks of {@code service}'s cluster that are not the service's own, by container instance. */
    private Map<String, List<TaskRow>> othersByInstance(ServiceRow service) {
        return store.tasks().liveInCluster(service.cluster()).stream()
                .filter(t -> t.containerInstanceArn() != null && !service.arn().equals(t.serviceArn()))
                .collect(Collectors.groupingBy(TaskRow::containerInstanceArn));
    }

    /** True while a task of a service that is not a DAEMON service is live on the instance. */
    private boolean busy(String instanceArn, Set<String> daemonServices) {
        return store.tasks().forInstance(instanceArn).stream()
                .map(Versioned::value)
                .anyMatch(t -> !t.isStopped() && t.serviceArn() != null && !daemonServices.contains(t.serviceArn()));
    }

    private Set<String> daemonServices(String cluster) {
        return store.services().list(cluster, null, 100_000).stream()
                .filter(s -> ModelJson.schedulingStrategy(s.spec()) == SchedulingStrategy.DAEMON)
                .map(ServiceRow::arn)
                .collect(Collectors.toSet());
    }
}
