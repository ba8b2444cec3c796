package dev.ballast.agent;

import dev.ballast.core.RepeatedLog;
import dev.ballast.model.ContainerError;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.registry.RepositoryCredentials;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one container instance: a level-triggered reconciler of the tasks the scheduler placed on
 * it. Each {@link #reconcileOnce()} reads the instance's unstopped tasks ({@link AgentTasks}: the store when
 * embedded, the API when remote) and makes one step
 * of progress on each (see {@link TaskState#next}); containers start in {@code dependsOn} order over as many
 * passes as their dependencies take (see {@link LaunchPass}); writes are compare-and-set, re-read on conflict, so the
 * scheduler may change {@code desiredStatus} at any time. Image pulls run in the background on a bounded
 * pool; a later pass picks up their outcome. Stopping a task's containers (which waits out their stop timeouts)
 * runs in the background too, one thread per task ({@link BackgroundSteps}), so a pass never waits on a stop.
 * Safe to call from several threads: a task is worked on by one thread at a time, and a container is started only
 * after re-reading the task under that claim.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** ECS's default time between SIGTERM and SIGKILL when a container has no {@code stopTimeout}. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);

    static final StopCode PULL_FAILED = StopCode.TASK_FAILED_TO_START;
    static final StopCode ESSENTIAL_EXITED = StopCode.ESSENTIAL_CONTAINER_EXITED;
    /** ECS's {@code stoppedReason} when an essential container exits. */
    public static final String ESSENTIAL_EXITED_REASON = "Essential container in task exited";
    /** A container's {@code dependsOn} can never be met: the task could not start. */
    static final StopCode DEPENDENCY_FAILED = StopCode.TASK_FAILED_TO_START;
    /** The engine refused to create or start an essential container ({@link StartFailedException}). */
    static final StopCode START_FAILED = StopCode.TASK_FAILED_TO_START;

    private final RepeatedLog failures;
    private final String instanceArn;
    private final AgentTasks tasks;
    private final TaskWrites writes;
    private final ContainerRuntime runtime;
    private final Clock clock;
    private final Pulls pulls;
    private final ContainerSecrets secrets;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    private final Map<String, Dependencies> dependencies = new ConcurrentHashMap<>();
    private final Map<String, Map<String, HealthCheck>> healthChecks = new ConcurrentHashMap<>();
    private final HealthMonitor health;
    private final BackgroundSteps stops = new BackgroundSteps();
    private final Runnable wake;

    /**
     * @param instanceArn the container instance whose tasks this agent runs
     * @param maxConcurrentPulls how many tasks may pull images at once
     */
    public Agent(
            String instanceArn,
            AgentTasks tasks,
            ContainerRuntime runtime,
            MeterRegistry meters,
            Clock clock,
            int maxConcurrentPulls) {
        this(instanceArn, tasks, runtime, meters, clock, maxConcurrentPulls, () -> {});
    }

    /**
     * An agent whose task reads and writes go through {@code tasks}: the store (embedded) or the API
     * (a remote {@code ballast agent}); {@code wake} is called whenever a task's pulls finish, so that a driver
     * waiting between passes runs the next one now rather than after its interval.
     */
    public Agent(
            String instanceArn,
            AgentTasks tasks,
            ContainerRuntime runtime,
            MeterRegistry meters,
            Clock clock,
            int maxConcurrentPulls,
            Runnable wake) {
        this(instanceArn, tasks, runtime, meters, clock, maxConcurrentPulls, wake, RepositoryCredentials.none());
    }

    /**
     * As above, pulling images of containers with {@code repositoryCredentials} with the credentials named there, and
     * giving containers their {@code secrets} from the same file's secret store ({@link RepositoryCredentials#secrets()}).
     */
    public Agent(
            String instanceArn,
            AgentTasks tasks,
            ContainerRuntime runtime,
            MeterRegistry meters,
            Clock clock,
            int maxConcurrentPulls,
            Runnable wake,
            RepositoryCredentials repositoryCredentials) {
        this.instanceArn = Objects.requireNonNull(instanceArn, "instanceArn");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.writes = new TaskWrites(tasks);
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.failures = new RepeatedLog(LOG, clock, Duration.ofMinutes(1));
        this.pulls = new Pulls(
                runtime,
                new AgentMetrics(meters, runtime.name()),
                maxConcurrentPulls,
                "agent-pull-",
                Objects.requireNonNull(wake, "wake"),
                repositoryCredentials);
        this.secrets = new ContainerSecrets(repositoryCredentials.secrets());
        this.health = new HealthMonitor(runtime, clock, wake);
        this.wake = wake;
    }

    public String instanceArn() {
        return instanceArn;
    }

    public ContainerRuntime runtime() {
        return runtime;
    }

    /** One pass: one step of progress on every task of this instance that is not yet STOPPED. */
    public void reconcileOnce() {
        List<AgentTask> listed = tasks.forInstance(instanceArn);
        if (health.watching()) {
            health.retain(listed.stream()
                    .flatMap(t -> t.containers().stream())
                    .map(AgentContainer::containerArn)
                    .collect(Collectors.toSet()));
        }
        int parallel = Math.min(runtime.concurrentTaskSteps(), listed.size());
        if (parallel <= 1) {
            listed.forEach(this::claimAndStep);
            return;
        }
        // Engines take a while per container: step several tasks at once, each still by one thread only.
        Semaphore slots = new Semaphore(parallel);
        List<Thread> running = new ArrayList<>();
        for (AgentTask task : listed) {
            slots.acquireUninterruptibly();
            running.add(Thread.ofVirtual().name("agent-step").start(() -> {
                try {
                    claimAndStep(task);
                } finally {
                    slots.release();
                }
            }));
        }
        for (Thread t : running) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void claimAndStep(AgentTask task) {
        String arn = task.arn();
        if (!claimed.add(arn)) {
            return; // another thread is on it (a stop in the background, or a parallel pass)
        }
        if (stops(task)) {
            // waits out stop timeouts: off the pass, holding the claim until it ends
            stops.start(arn, () -> stepClaimed(task), () -> {
                claimed.remove(arn);
                wake.run();
            });
            return;
        }
        try {
            stepClaimed(task);
        } finally {
            claimed.remove(arn);
        }
    }

    private void stepClaimed(AgentTask task) {
        try {
            step(task);
        } catch (RuntimeException e) {
            // the same failure on every task and pass: logged once a minute with a count (stack trace once)
            failures.warn(
                    instanceArn + "|" + e,
                    "agent instance=" + instanceArn + ": task step failed, retrying next pass: " + e,
                    e);
            LOG.debug("agent instance={} task={}: step failed: {}", instanceArn, task.arn(), e.toString());
        }
    }

    /** True when the task's next step is STOPPED (its containers are stopped, each within its stop timeout). */
    private static boolean stops(AgentTask task) {
        return TaskState.next(EcsStatus.taskState(task.lastStatus()), EcsStatus.desired(task.desiredStatus()))
                == TaskState.STOPPED;
    }

    /** How many tasks this agent is stopping now, in the background. */
    public int stopping() {
        return stops.size();
    }

    /**
     * Stops and removes the containers the runtime runs for this instance whose task is not among the tasks this
     * agent's source lists for it now (the store when embedded, the last poll when remote): after a partition, or
     * while the server was down, the server may have stopped and replaced them elsewhere. Containers of such tasks
     * that already exited are left for inspection. The runtime's containers are listed before the tasks are read:
     * a container started for a task after that read cannot be among them, so a task placed meanwhile never loses
     * its container. Returns how many were removed.
     */
    public int removeOrphans() {
        List<RuntimeContainer> containers = runtime.containersOf(instanceArn);
        if (containers.isEmpty()) {
            return 0;
        }
        Set<String> assignedTaskArns =
                tasks.forInstance(instanceArn).stream().map(AgentTask::arn).collect(Collectors.toSet());
        int removed = 0;
        for (RuntimeContainer c : containers) {
            if (c.running()
                    && !assignedTaskArns.contains(c.taskArn())
                    // a background stop may have ended since the listing: an exited container is kept for inspection
                    && runtime.status(c.runtimeId()).isEmpty()) {
                LOG.info(
                        "agent instance={}: container {} of task {} is not assigned here any more; stopping and removing it",
                        instanceArn,
                        c.runtimeId(),
                        c.taskArn());
                runtime.remove(c.runtimeId());
                removed++;
            }
        }
        return removed;
    }

    /**
     * Waits for the pulls and the background stops under way now (tests call this between passes instead of
     * sleeping).
     */
    public boolean awaitPulls(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        return pulls.await(timeout) && stops.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }

    private void step(AgentTask task) {
        AgentTask read = task;
        TaskState known = EcsStatus.taskState(task.lastStatus());
        TaskState next = TaskState.next(known, EcsStatus.desired(task.desiredStatus()));
        switch (next) {
            case PROVISIONING -> {}
            case PULLING -> beginPull(read);
            case RUNNING -> {
                if (known == TaskState.RUNNING) {
                    progress(read, Map.of());
                } else {
                    pulls.poll(task).ifPresent(outcome -> finishPull(task.arn(), outcome));
                }
            }
            case STOPPING ->
                writes.apply(
                        read,
                        TaskWrites.when(
                                TaskState.RUNNING,
                                t -> t.withDesired(t.desiredStatus(), t.stopCode(), t.stoppedReason(), now())
                                        .withState(
                                                EcsStatus.lastStatus(TaskState.STOPPING),
                                                t.containers(),
                                                t.pullStartedAt(),
                                                t.pullStoppedAt(),
                                                t.startedAt(),
                                                null)));
            case STOPPED -> {
                if (known == TaskState.STOPPING) {
                    stopContainers(read);
                } else {
                    abandon(read);
                }
            }
        }
    }

    /** PROVISIONING → PENDING: record the pull start, then start pulling. */
    private void beginPull(AgentTask read) {
        writes.apply(
                        read,
                        TaskWrites.when(
                                TaskState.PROVISIONING,
                                t -> t.withState(
                                        EcsStatus.lastStatus(TaskState.PULLING),
                                        t.containers(),
                                        now(),
                                        null,
                                        null,
                                        null)))
                .ifPresent(pulls::poll);
    }

    private void finishPull(String arn, PullOutcome outcome) {
        // Re-read under the claim: a pass that listed this task before another thread launched it must not
        // launch it again.
        Optional<AgentTask> fresh = tasks.find(arn);
        if (fresh.isEmpty()) {
            pulls.forget(arn);
            return;
        }
        AgentTask task = fresh.get();
        TaskState known = EcsStatus.taskState(task.lastStatus());
        if (known != TaskState.PULLING
                || TaskState.next(known, EcsStatus.desired(task.desiredStatus())) != TaskState.RUNNING) {
            return; // moved on, or now wanted STOPPED: the next pass decides
        }
        switch (outcome) {
            case PullOutcome.Pulled pulled -> progress(fresh.get(), pulled.byContainer());
            case PullOutcome.Failed failed -> {
                failToStart(
                        fresh.get(),
                        failed.container(),
                        ContainerError.CANNOT_PULL_CONTAINER.reason(
                                failed.error().getMessage()));
                pulls.forget(arn);
            }
            case PullOutcome.SecretsUnavailable missing -> {
                failToStart(fresh.get(), missing.container(), missing.reason());
                pulls.forget(arn);
            }
        }
    }

    /**
     * PENDING or RUNNING, wanted RUNNING: one {@link LaunchPass} (record the digests pulled and the containers
     * that exited, start the containers whose {@code dependsOn} is now met), then move the task to RUNNING
     * once every essential container has started. An essential container that exited stops the task
     * (EssentialContainerExited); an essential container whose dependency can never be met stops it too
     * (TaskFailedToStart). A container waiting on another's exit starts on a later pass; starts are
     * idempotent per container ARN, so a pass repeated after a failed write adopts what the last one started.
     */
    private void progress(AgentTask task, Map<String, PullResult> pulled) {
        AgentTask read = task;
        TaskState known = EcsStatus.taskState(task.lastStatus());
        Map<String, HealthCheck> checks = healthChecks(task);
        LaunchPass.Result pass = LaunchPass.run(withHealth(task, checks), pulled, dependencies(task), runtime, secrets);
        Map<String, AgentContainer> current = pass.containers();
        List<AgentContainer> started = pass.started();
        StopCode stopCode = pass.stopCode();
        String stopReason = pass.stopReason();
        TaskState target =
                known == TaskState.PULLING && stopCode == null && pass.essentialsStarted() ? TaskState.RUNNING : known;
        EniAttachment eni = Attachments.observed(task, current.values(), runtime);
        boolean changed = target != known
                || stopCode != null
                || !List.copyOf(current.values()).equals(task.containers())
                || !Objects.equals(eni, task.eni());
        if (!changed) {
            return;
        }
        long now = now();
        StopCode code = stopCode;
        String reason = stopReason;
        Optional<AgentTask> written = writes.apply(read, TaskWrites.when(known, t -> {
            AgentTask u = t.withState(
                    EcsStatus.lastStatus(target),
                    mapContainers(t, c -> current.getOrDefault(c.name(), c)),
                    t.pullStartedAt(),
                    t.pullStoppedAt() == null && known == TaskState.PULLING ? Long.valueOf(now) : t.pullStoppedAt(),
                    target == TaskState.RUNNING && t.startedAt() == null ? Long.valueOf(now) : t.startedAt(),
                    t.stoppedAt());
            u = Attachments.withObserved(u, eni);
            return code == null ? u : u.stoppedBy(code, reason);
        }));
        if (written.isEmpty()) {
            // someone else moved the task while we started its containers: do not leave them behind
            started.forEach(c -> runtime.stop(c.runtimeId(), DEFAULT_STOP_TIMEOUT));
            return;
        }
        for (AgentContainer c : started) {
            HealthCheck check = checks.get(c.name());
            if (check != null) {
                health.watch(c.containerArn(), c.runtimeId(), check);
            }
        }
        if (target != known || code != null) {
            pulls.forget(task.arn());
        }
        if (target != known) {
            LOG.debug("agent instance={} task={} RUNNING", instanceArn, task.arn());
        }
        if (code != null) {
            LOG.info("agent instance={} task={} stopping: {}", instanceArn, task.arn(), reason);
        }
    }

    /**
     * A pull failed or a secret did not resolve: the task stops with TaskFailedToStart and {@code container} names
     * the failure.
     */
    private void failToStart(AgentTask read, String container, String reason) {
        long now = now();
        writes.apply(
                        read,
                        TaskWrites.when(
                                TaskState.PULLING,
                                t -> Attachments.released(t.stoppedBy(PULL_FAILED, reason))
                                        .withState(
                                                EcsStatus.lastStatus(TaskState.STOPPED),
                                                mapContainers(
                                                        t,
                                                        c -> c.with(
                                                                EcsStatus.lastStatus(ContainerState.STOPPED),
                                                                c.imageDigest(),
                                                                c.exitCode(),
                                                                c.name().equals(container) ? reason : c.reason(),
                                                                c.runtimeId())),
                                                t.pullStartedAt(),
                                                now,
                                                null,
                                                now)))
                .ifPresent(t -> LOG.info("agent instance={} task={} STOPPED: {}", instanceArn, t.arn(), reason));
    }

    /** STOPPING → STOPPED: stop every running container and record how it exited. */
    private void stopContainers(AgentTask read) {
        Map<String, AgentContainer> stopped = stopRunning(read);
        writes.apply(
                read, TaskWrites.when(TaskState.STOPPING, t -> stoppedRow(t, c -> stopped.getOrDefault(c.name(), c))));
    }

    /**
     * Stops the task's running containers, dependents before their dependencies, each with its
     * {@code stopTimeout}; returns them as stopped, with how they exited.
     */
    private Map<String, AgentContainer> stopRunning(AgentTask task) {
        Map<String, AgentContainer> stopped = new HashMap<>();
        Map<String, Duration> timeouts =
                task.taskDefinition() == null ? Map.of() : StopTimeouts.of(task.taskDefinition());
        for (AgentContainer c : dependencies(task).stopOrder(task.containers())) {
            ContainerState known = EcsStatus.containerState(c.lastStatus(), c.runtimeId() != null);
            if (known == ContainerState.RUNNING
                    && c.runtimeId() != null
                    && ContainerState.next(known, ContainerState.STOPPED) == ContainerState.STOPPED) {
                runtime.stop(c.runtimeId(), timeouts.getOrDefault(c.name(), DEFAULT_STOP_TIMEOUT));
                Optional<ExitStatus> exit = runtime.status(c.runtimeId());
                stopped.put(
                        c.name(),
                        c.with(
                                EcsStatus.lastStatus(ContainerState.STOPPED),
                                c.imageDigest(),
                                exit.map(ExitStatus::exitCode).orElse(null),
                                exit.map(ExitStatus::reason).orElse(c.reason()),
                                c.runtimeId()));
            }
        }
        return stopped;
    }

    /**
     * Wanted STOPPED before it ran: stop without pulling (or without waiting for the pull), stopping the
     * containers that already started (a task whose dependencies were still being waited for).
     */
    private void abandon(AgentTask read) {
        pulls.forget(read.arn());
        Map<String, AgentContainer> stopped = stopRunning(read);
        Function<AgentTask, Optional<AgentTask>> change = t -> {
            TaskState known = EcsStatus.taskState(t.lastStatus());
            return known == TaskState.PROVISIONING || known == TaskState.PULLING
                    ? Optional.of(stoppedRow(t, c -> stopped.getOrDefault(c.name(), c)))
                    : Optional.empty();
        };
        writes.apply(read, change);
    }

    /** The dependencies of a task's containers; cached per task definition ARN, since a revision never changes. */
    private Dependencies dependencies(AgentTask task) {
        String taskDefinitionArn = task.taskDefinitionArn();
        Dependencies known = dependencies.get(taskDefinitionArn);
        if (known != null) {
            return known;
        }
        TaskDefinition definition = task.taskDefinition();
        if (definition == null) {
            return Dependencies.NONE; // not known to this source (yet): no ordering, and ask again next time
        }
        if (dependencies.size() > 1_000) {
            dependencies.clear();
        }
        Dependencies parsed = Dependencies.of(definition);
        dependencies.put(taskDefinitionArn, parsed);
        return parsed;
    }

    /**
     * The task with each checked container's latest health (see {@link HealthMonitor}); running checked containers
     * not yet watched (after an agent restart) are watched from now on.
     */
    private AgentTask withHealth(AgentTask task, Map<String, HealthCheck> checks) {
        if (checks.isEmpty()) {
            return task;
        }
        return task.withState(
                task.lastStatus(),
                mapContainers(task, c -> {
                    HealthCheck check = checks.get(c.name());
                    if (check == null) {
                        return c;
                    }
                    if (c.runtimeId() != null
                            && EcsStatus.containerState(c.lastStatus(), true) == ContainerState.RUNNING) {
                        health.watch(c.containerArn(), c.runtimeId(), check);
                    }
                    HealthStatus known = c.healthStatus() == null ? HealthStatus.UNKNOWN : c.healthStatus();
                    return c.withHealth(health.status(c.containerArn())
                            .map(HealthStatus::fromWire)
                            .orElse(known));
                }),
                task.pullStartedAt(),
                task.pullStoppedAt(),
                task.startedAt(),
                task.stoppedAt());
    }

    /** The health checks of a task definition's containers; cached per ARN like {@link #dependencies}. */
    private Map<String, HealthCheck> healthChecks(AgentTask task) {
        String taskDefinitionArn = task.taskDefinitionArn();
        Map<String, HealthCheck> known = healthChecks.get(taskDefinitionArn);
        if (known != null) {
            return known;
        }
        TaskDefinition definition = task.taskDefinition();
        if (definition == null) {
            return Map.of();
        }
        if (healthChecks.size() > 1_000) {
            healthChecks.clear();
        }
        Map<String, HealthCheck> parsed = HealthCheck.of(definition);
        healthChecks.put(taskDefinitionArn, parsed);
        return parsed;
    }

    /** How many containers this agent is health-checking now. */
    public int healthChecking() {
        return health.checking();
    }

    private AgentTask stoppedRow(AgentTask t, Function<AgentContainer, AgentContainer> containers) {
        long now = now();
        return Attachments.released(t)
                .withState(
                        EcsStatus.lastStatus(TaskState.STOPPED),
                        mapContainers(t, c -> {
                            AgentContainer changed = containers.apply(c);
                            return changed.with(
                                    EcsStatus.lastStatus(ContainerState.STOPPED),
                                    changed.imageDigest(),
                                    changed.exitCode(),
                                    changed.reason(),
                                    changed.runtimeId());
                        }),
                        t.pullStartedAt(),
                        t.pullStartedAt() != null && t.pullStoppedAt() == null ? Long.valueOf(now) : t.pullStoppedAt(),
                        t.startedAt(),
                        now);
    }

    private static List<AgentContainer> mapContainers(AgentTask t, Function<AgentContainer, AgentContainer> f) {
        return t.containers().stream().map(f).toList();
    }

    private long now() {
        return clock.millis();
    }

    @Override
    public void close() {
        health.close();
        pulls.close();
    }
}
