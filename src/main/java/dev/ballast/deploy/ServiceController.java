package dev.ballast.deploy;

import dev.ballast.core.ModelJson;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.DeploymentConfiguration;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.model.RolloutState;
import dev.ballast.model.SchedulingStrategy;
import dev.ballast.model.ServiceDeploymentStatus;
import dev.ballast.model.ServiceStatus;
import dev.ballast.model.StopCause;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskStatus;
import dev.ballast.schedule.Launcher;
import dev.ballast.schedule.PlacementFailures;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The service reconciler: given the full stored state of one service, makes one step of progress —
 * resolve the primary revision's images, then roll tasks from older deployments to the primary within
 * the deployment configuration's bounds (tasks on DRAINING container instances are replaced the same way), fail (and roll back) on the circuit breaker, and retire
 * finished deployments. Idempotent; every write is compare-and-set, so a lost race is retried on the
 * next pass.
 */
public final class ServiceController {
    /** The stopped reason of a service task moved off a DRAINING container instance. */
    static final String DRAINING_REASON = "Task stopped because its container instance is DRAINING";
    /**
     * ECS's stopped reason of a service task replaced because an essential container failed its health checks:
     * prose for people; components decide on the task's {@link StopCause#HEALTH_CHECK_FAILED} instead.
     */
    public static final String UNHEALTHY_REASON = "Task failed container health checks";

    private final Store store;
    private final ResolutionStep resolution;
    private final Launcher launcher;
    private final Clock clock;
    private final Deployer deployer;
    private final Runnable wakeAgents;
    private final FailedStarts failedStarts;
    private final BooleanSupplier leading;
    private final LaunchGuard launchGuard;
    private final DaemonInstances daemons;
    private volatile Consumer<RevisionRow> onResolved = r -> {};

    public ServiceController(
            Store store,
            ResolutionStep resolution,
            Launcher launcher,
            Deployer deployer,
            Clock clock,
            Runnable wakeAgents) {
        this(store, resolution, launcher, deployer, clock, wakeAgents, () -> true);
    }

    /**
     * As above; {@code leading} (does this replica still hold the shard this reconcile runs under) is asked again
     * right before tasks are launched, the one write two replicas must never both make (the runtime asks it before
     * every reconcile too, and the shard's fence refuses the write if it moved meanwhile).
     */
    public ServiceController(
            Store store,
            ResolutionStep resolution,
            Launcher launcher,
            Deployer deployer,
            Clock clock,
            Runnable wakeAgents,
            BooleanSupplier leading) {
        this(store, resolution, launcher, deployer, clock, wakeAgents, leading, LaunchGuard.OPEN);
    }

    /** As above; {@code launchGuard} is asked right before tasks are launched (the pinned-image guard). */
    public ServiceController(
            Store store,
            ResolutionStep resolution,
            Launcher launcher,
            Deployer deployer,
            Clock clock,
            Runnable wakeAgents,
            BooleanSupplier leading,
            LaunchGuard launchGuard) {
        this.launchGuard = launchGuard;
        this.daemons = new DaemonInstances(store);
        this.leading = leading;
        this.failedStarts = new FailedStarts(store, clock, LaunchBackoff.DEFAULT);
        this.store = store;
        this.resolution = resolution;
        this.launcher = launcher;
        this.deployer = deployer;
        this.clock = clock;
        this.wakeAgents = wakeAgents;
    }

    /**
     * Also calls {@code hook} with each revision whose resolution record this controller has just stored RESOLVED
     * (the image lifecycle records the resolved tags as drift's baseline); call before the controllers start.
     */
    public ServiceController onResolved(Consumer<RevisionRow> hook) {
        this.onResolved = hook;
        return this;
    }

    /** Services whose primary deployment is backing off launches after consecutive failed starts (a gauge). */
    public int backingOff() {
        return failedStarts.backingOff();
    }

    public void reconcile(String serviceArn) {
        Optional<Versioned<ServiceRow>> found = store.services().find(serviceArn);
        if (found.isEmpty() || found.get().value().status().equals(ServiceStatus.INACTIVE.wire())) {
            failedStarts.forget(serviceArn);
            return;
        }
        ServiceRow service = found.get().value();
        List<Versioned<DeploymentRow>> deployments = store.deployments().ofService(serviceArn).stream()
                .filter(d -> d.value().active())
                .toList();
        List<TaskRow> live = store.tasks().liveOfService(serviceArn).stream()
                .map(Versioned::value)
                .toList();
        if (service.status().equals(ServiceStatus.DRAINING.wire())) {
            failedStarts.forget(serviceArn);
            drain(found.get(), deployments, live);
            return;
        }
        Versioned<DeploymentRow> primary = deployments.stream()
                .filter(d -> d.value().status().equals(DeploymentStatus.PRIMARY.wire()))
                .findFirst()
                .orElse(null);
        if (primary == null) {
            return;
        }
        for (Versioned<DeploymentRow> d : deployments) {
            DeploymentRow row = d.value();
            if (row != primary.value() && row.status().equals(DeploymentStatus.PRIMARY.wire())) {
                // A newer deployment took over (a concurrent UpdateService could not demote this one).
                store.deployments()
                        .update(
                                row.with(
                                        DeploymentStatus.ACTIVE.wire(),
                                        row.rolloutState(),
                                        row.rolloutStateReason(),
                                        row.lifecycle().equals(ServiceDeploymentStatus.IN_PROGRESS.wire())
                                                ? ServiceDeploymentStatus.STOPPED.wire()
                                                : row.lifecycle(),
                                        row.finishedAt()),
                                d.version());
            }
        }
        Events events = new Events(store, service);
        // The primary's stopped tasks, newest first: read once per pass for failures, the circuit breaker and the
        // back-off.
        List<TaskRow> stopped =
                store.tasks().stoppedOfDeployment(primary.value().id(), 1_000);
        primary = failedStarts.count(service, primary, live, stopped, events);
        if (primary == null) {
            return; // the deployment moved on meanwhile: the next pass counts again
        }
        if (replaceUnhealthy(service, live, events)) {
            return; // one step: the next pass counts them (circuit breaker) and starts their replacements
        }
        if (!primary.value().rolloutState().equals(RolloutState.IN_PROGRESS.wire())) {
            if (primary.value().rolloutState().equals(RolloutState.COMPLETED.wire())) {
                roll(service, primary, deployments, live, events);
            }
            return;
        }
        Versioned<RevisionRow> revision =
                store.revisions().find(primary.value().revisionArn()).orElseThrow();
        ResolutionRecord record = revision.value().resolution();
        if (record.state() == ResolutionState.PENDING && record.attempts() == 0 && !settled(revision.value())) {
            return;
        }
        if (record.state() == ResolutionState.PENDING) {
            TaskDefinitionRecord td = store.taskDefinitions()
                    .findByArn(revision.value().taskDefinitionArn())
                    .orElseThrow();
            ResolutionStep.Outcome outcome = resolution.step(
                    revision.value(),
                    td,
                    service.clusterArn(),
                    primary.value().configuration().circuitBreaker().enable());
            if (!outcome.record().equals(record)) {
                if (!store.revisions().update(revision.value().withResolution(outcome.record()), revision.version())) {
                    return;
                }
                if (outcome.record().resolved()) {
                    onResolved.accept(revision.value().withResolution(outcome.record()));
                }
                outcome.events().forEach(events::add);
            }
            record = outcome.record();
        }
        if (record.state() == ResolutionState.FAILED) {
            deployer.fail(service, primary, deployments, "image resolution failed: " + record.failure(), events);
            return;
        }
        if (!record.resolved()) {
            return;
        }
        if (checkCircuitBreaker(service, primary, deployments, stopped, events)) {
            return;
        }
        roll(service, primary, deployments, live, events);
    }

    /** A burst of deployments settles before the first resolution, so that they share one registry request per image. */
    static final long SETTLE_MILLIS = 200;
    /** ... but no deployment waits longer than this for a burst to end. */
    static final long SETTLE_CAP_MILLIS = 5_000;

    /**
     * True when the revision's first resolution may start: no revision was created in the last
     * {@link #SETTLE_MILLIS}, or this one has waited {@link #SETTLE_CAP_MILLIS}.
     */
    private boolean settled(RevisionRow revision) {
        long now = clock.millis();
        if (now - revision.createdAt() >= SETTLE_CAP_MILLIS) {
            return true;
        }
        return now - store.revisions().newestCreatedAt() >= SETTLE_MILLIS;
    }

    /** Starts and stops tasks toward the primary deployment; completes it when only its tasks remain. */
    private void roll(
            ServiceRow service,
            Versioned<DeploymentRow> stored,
            List<Versioned<DeploymentRow>> deployments,
            List<TaskRow> live,
            Events events) {
        if (ModelJson.schedulingStrategy(service.spec()) == SchedulingStrategy.DAEMON) {
            rollDaemon(service, stored, deployments, live, events);
            return;
        }
        DeploymentRow primary = stored.value();
        List<TaskRow> wanted = live.stream()
                .filter(t -> t.desiredStatus().equals(DesiredStatus.RUNNING.wire()))
                .toList();
        // Tasks on DRAINING container instances are replaced like tasks of older deployments: replacements
        // start first (within maximumPercent), then they stop (keeping minimumHealthyPercent).
        Set<String> draining =
                store.instances().inCluster(service.cluster(), ContainerInstanceStatus.DRAINING.wire()).stream()
                        .map(v -> v.value().arn())
                        .collect(Collectors.toSet());
        Predicate<TaskRow> keep =
                t -> primary.id().equals(t.deploymentId()) && !draining.contains(t.containerInstanceArn());
        List<TaskRow> primaryTasks = wanted.stream().filter(keep).toList();
        List<TaskRow> oldTasks = wanted.stream().filter(keep.negate()).toList();
        int runningPrimary = (int) primaryTasks.stream()
                .filter(t -> t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .count();
        int runningOld = (int) oldTasks.stream()
                .filter(t -> t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .count();
        DeploymentConfiguration config = primary.configuration();
        Rollout plan = Rollout.plan(
                service.desiredCount(),
                config.minimumHealthyPercent(),
                config.maximumPercent(),
                primaryTasks.size(),
                oldTasks.size(),
                runningPrimary,
                runningOld);

        if (plan.stopPrimary() > 0) {
            stop(
                    pendingFirst(primaryTasks),
                    plan.stopPrimary(),
                    "Scaling activity initiated by (deployment " + primary.id() + ")");
        }
        if (plan.stopOld() > 0) {
            stop(
                    pendingFirst(oldTasks),
                    plan.stopOld(),
                    t -> draining.contains(t.containerInstanceArn())
                            ? DRAINING_REASON
                            : "Scaling activity initiated by (deployment " + primary.id() + ")");
            events.add("(service " + service.name() + ") has stopped " + Math.min(plan.stopOld(), oldTasks.size())
                    + " running tasks: " + "(deployment " + primary.id() + " replacing older deployments).");
        }
        if (plan.start() > 0 && !failedStarts.waiting(service, primary, events)) {
            start(service, primary, failedStarts.batch(primary, plan.start()), null, events);
        }
        boolean oldGone =
                oldTasks.isEmpty() && live.stream().noneMatch(t -> !primary.id().equals(t.deploymentId()));
        // steady: only the primary's tasks, as many as desired, all running and healthy, none still stopping
        boolean steady = oldGone
                && runningPrimary == service.desiredCount()
                && primaryTasks.size() == service.desiredCount()
                && live.size() == primaryTasks.size()
                && primaryTasks.stream().allMatch(t -> t.health().settled());
        settle(service, stored, deployments, oldGone, steady, events);
    }

    /**
     * A DAEMON service's pass ({@link DaemonPlan}): its {@code desiredCount} follows the eligible instances; tasks
     * on instances that no longer qualify stop (on a DRAINING one, after its other service tasks); one primary task
     * starts on each eligible instance that has none.
     */
    private void rollDaemon(
            ServiceRow service,
            Versioned<DeploymentRow> stored,
            List<Versioned<DeploymentRow>> deployments,
            List<TaskRow> live,
            Events events) {
        DeploymentRow primary = stored.value();
        DeploymentConfiguration config = primary.configuration();
        Map<String, DaemonPlan.Standing> standings = daemons.standings(service, live, events);
        if (standings == null) {
            return; // a memberOf expression does not parse: said as an event; nothing starts or stops
        }
        DaemonPlan plan =
                DaemonPlan.plan(standings, live, primary.id(), config.minimumHealthyPercent(), config.maximumPercent());
        service = daemons.withDesired(service, plan.desired());
        if (service == null) {
            return; // changed meanwhile: the next pass reads it again
        }
        plan.stops().forEach(s -> stop(List.of(s.task()), 1, t -> s.why().reason(primary.id())));
        if (!plan.stops().isEmpty()) {
            events.add("(service " + service.name() + ") has stopped "
                    + plan.stops().size() + " running tasks: "
                    + plan.stops().stream().map(s -> taskRef(s.task())).collect(Collectors.joining(" ")) + ".");
        }
        if (!plan.launchOn().isEmpty() && !failedStarts.waiting(service, primary, events)) {
            List<String> on = plan.launchOn();
            start(service, primary, 0, on.subList(0, failedStarts.batch(primary, on.size())), events);
        }
        settle(service, stored, deployments, plan.oldGone(), plan.steady(), events);
    }

    /** Retires older deployments once their tasks are gone; completes the primary (or says steady) once steady. */
    private void settle(
            ServiceRow service,
            Versioned<DeploymentRow> stored,
            List<Versioned<DeploymentRow>> deployments,
            boolean oldGone,
            boolean steady,
            Events events) {
        DeploymentRow primary = stored.value();
        if (oldGone) {
            deployer.retireOld(primary, deployments);
        }
        if (primary.rolloutState().equals(RolloutState.IN_PROGRESS.wire()) && steady) {
            deployer.complete(service, primary, deployments, events);
        } else if (primary.rolloutState().equals(RolloutState.COMPLETED.wire()) && steady != primary.steady()) {
            // after a scale-out or scale-in settles: said once per settled state, as after a deployment
            if (store.deployments().update(primary.withSteady(steady), stored.version()) && steady) {
                events.add("(service " + service.name() + ") has reached a steady state.");
            }
        }
    }

    /** Starts {@code count} primary tasks anywhere, or (instances not null) one on each of {@code instances}. */
    private void start(ServiceRow service, DeploymentRow primary, int count, List<String> instances, Events events) {
        if (!leading.getAsBoolean()) {
            return; // the lease was lost during this reconcile: the new leader launches
        }
        RevisionRow revision =
                store.revisions().find(primary.revisionArn()).orElseThrow().value();
        if (!launchGuard.mayLaunch(service, primary, revision)) {
            return; // an image it pins is being checked or is missing: the guard says why and wakes us
        }
        TaskDefinitionRecord td =
                store.taskDefinitions().findByArn(revision.taskDefinitionArn()).orElseThrow();
        List<TaskRow> started = new ArrayList<>();
        String failure = null;
        List<List<String>> targets = new ArrayList<>();
        if (instances == null) {
            targets.add(null); // one launch of count, anywhere
        } else {
            instances.forEach(i -> targets.add(List.of(i))); // one task on each named instance
        }
        for (List<String> on : targets) {
            Launcher.Launched launched = launcher.launch(
                    new Launcher.Launch(
                            service.cluster(),
                            service.clusterArn(),
                            td,
                            revision.resolution().containers(),
                            service.arn(),
                            primary.id(),
                            primary.id(),
                            "service:" + service.name(),
                            null,
                            ModelJson.launchSpec(service.spec()),
                            on),
                    on == null ? count : 1);
            started.addAll(launched.tasks());
            failure = failure == null ? launched.failureReason() : failure;
        }
        if (!started.isEmpty()) {
            events.add("(service " + service.name() + ") has started " + started.size() + " tasks: "
                    + started.stream().map(ServiceController::taskRef).collect(Collectors.joining(" ")) + ".");
            wakeAgents.run();
        }
        if (failure != null) {
            // one line, refreshed while the cause lasts (identical events collapse)
            events.add(PlacementFailures.serviceEvent(service.name(), failure));
        }
    }

    /**
     * Stops the service's RUNNING tasks whose health is UNHEALTHY (an essential container failed its health
     * checks) once they are past the service's {@code healthCheckGracePeriodSeconds} since they started; the
     * next pass's roll replaces them from the primary deployment (ECS would use each task's own revision during
     * a rollout: not done yet). True when it stopped some.
     */
    private boolean replaceUnhealthy(ServiceRow service, List<TaskRow> live, Events events) {
        long graceMillis =
                Math.max(0, service.spec().path("healthCheckGracePeriodSeconds").asLong(0)) * 1000;
        long now = clock.millis();
        List<TaskRow> unhealthy = live.stream()
                .filter(t -> t.desiredStatus().equals(DesiredStatus.RUNNING.wire())
                        && t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .filter(t -> t.health().status() == HealthStatus.UNHEALTHY)
                .filter(t -> t.startedAt() != null && now - t.startedAt() >= graceMillis)
                .toList();
        if (unhealthy.isEmpty()) {
            return false;
        }
        stop(unhealthy, unhealthy.size(), t -> UNHEALTHY_REASON, StopCause.HEALTH_CHECK_FAILED);
        for (TaskRow t : unhealthy) {
            String id = t.arn().substring(t.arn().lastIndexOf('/') + 1);
            events.addOnce(
                    t.arn() + ":unhealthy",
                    "(service " + service.name() + ") (task " + id + ") failed container health checks.");
        }
        events.add("(service " + service.name() + ") has stopped " + unhealthy.size() + " running tasks: "
                + unhealthy.stream().map(ServiceController::taskRef).collect(Collectors.joining(" ")) + ".");
        return true;
    }

    private boolean checkCircuitBreaker(
            ServiceRow service,
            Versioned<DeploymentRow> primary,
            List<Versioned<DeploymentRow>> deployments,
            List<TaskRow> stopped,
            Events events) {
        DeploymentRow d = primary.value();
        int failed = d.failedTasks();
        DeploymentConfiguration.CircuitBreaker cb = d.configuration().circuitBreaker();
        int threshold = Rollout.circuitBreakerThreshold(service.desiredCount());
        if (cb.enable() && failed >= threshold) {
            boolean unhealthy = stopped.stream().anyMatch(t -> t.stopCause() == StopCause.HEALTH_CHECK_FAILED);
            deployer.fail(
                    service,
                    primary,
                    deployments,
                    "tasks failed to start" + (unhealthy ? " or failed container health checks" : "") + " (" + failed
                            + " of threshold " + threshold + ")",
                    events);
            return true;
        }
        return false;
    }

    private void drain(Versioned<ServiceRow> service, List<Versioned<DeploymentRow>> deployments, List<TaskRow> live) {
        List<TaskRow> running = live.stream()
                .filter(t -> t.desiredStatus().equals(DesiredStatus.RUNNING.wire()))
                .toList();
        stop(running, running.size(), "Service " + service.value().name() + " was deleted");
        if (live.isEmpty()) {
            deployer.deactivate(service, deployments);
        }
    }

    private void stop(List<TaskRow> tasks, int count, String reason) {
        stop(tasks, count, t -> reason, null);
    }

    private void stop(List<TaskRow> tasks, int count, Function<TaskRow, String> reasonOf) {
        stop(tasks, count, reasonOf, null);
    }

    /** Stops up to {@code count} of {@code tasks} still desired RUNNING, recording {@code cause} (null: none). */
    private void stop(List<TaskRow> tasks, int count, Function<TaskRow, String> reasonOf, StopCause cause) {
        int stopped = 0;
        for (TaskRow t : tasks) {
            if (stopped >= count) {
                break;
            }
            Optional<Versioned<TaskRow>> current = store.tasks().find(t.arn());
            if (current.isPresent()
                    && current.get().value().desiredStatus().equals(DesiredStatus.RUNNING.wire())
                    && store.tasks()
                            .update(
                                    current.get()
                                            .value()
                                            .withDesired(
                                                    DesiredStatus.STOPPED.wire(),
                                                    StopCode.SERVICE_SCHEDULER_INITIATED.wire(),
                                                    reasonOf.apply(t),
                                                    clock.millis())
                                            .withStopCause(cause),
                                    current.get().version())) {
                stopped++;
            }
        }
        if (stopped > 0) {
            wakeAgents.run();
        }
    }

    /** {@code (task <id>)}, as service events name tasks. */
    private static String taskRef(TaskRow t) {
        return "(task " + t.arn().substring(t.arn().lastIndexOf('/') + 1) + ")";
    }

    private static List<TaskRow> pendingFirst(List<TaskRow> tasks) {
        List<TaskRow> ordered = new ArrayList<>(tasks.stream()
                .filter(t -> !t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .toList());
        ordered.addAll(tasks.stream()
                .filter(t -> t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .toList());
        return ordered;
    }
}
