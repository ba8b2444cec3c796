package dev.ballast.agent;

import dev.ballast.registry.RepositoryCredentials;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import dev.ballast.store.Versioned;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent of one container instance: a level-triggered reconciler of the tasks the scheduler placed on
 * it. Each {@link #reconcileOnce()} reads the instance's unstopped tasks ({@link AgentTasks}: the store when
 * embedded, the API when remote) and makes one step
 * of progress on each (see {@link TaskState#next}); writes are compare-and-set, re-read on conflict, so the
 * scheduler may change {@code desiredStatus} at any time. Image pulls run in the background on a bounded
 * pool; a later pass picks up their outcome. Safe to call from several threads: a task is worked on by one
 * thread at a time, and a container is started only after re-reading the task under that claim.
 */
public final class Agent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    /** ECS's default time between SIGTERM and SIGKILL when a container has no {@code stopTimeout}. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(30);
    static final String PULL_FAILED = "TaskFailedToStart";
    static final String ESSENTIAL_EXITED = "EssentialContainerExited";

    private final String instanceArn;
    private final AgentTasks tasks;
    private final TaskWrites writes;
    private final ContainerRuntime runtime;
    private final Clock clock;
    private final Pulls pulls;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();

    /**
     * @param instanceArn the container instance whose tasks this agent runs
     * @param maxConcurrentPulls how many tasks may pull images at once
     */
    public Agent(String instanceArn, Store store, ContainerRuntime runtime, MeterRegistry meters, Clock clock,
                 int maxConcurrentPulls) {
        this(instanceArn, store, runtime, meters, clock, maxConcurrentPulls, () -> { });
    }

    /**
     * As above, with {@code wake} called whenever a task's pulls finish, so that a driver waiting between
     * passes runs the next one now rather than after its interval.
     */
    public Agent(String instanceArn, Store store, ContainerRuntime runtime, MeterRegistry meters, Clock clock,
                 int maxConcurrentPulls, Runnable wake) {
        this(instanceArn, AgentTasks.of(store), runtime, meters, clock, maxConcurrentPulls, wake);
    }

    /**
     * An agent whose task reads and writes go through {@code tasks}: the store (embedded) or the API
     * (a remote {@code ballast agent}).
     */
    public Agent(String instanceArn, AgentTasks tasks, ContainerRuntime runtime, MeterRegistry meters, Clock clock,
                 int maxConcurrentPulls, Runnable wake) {
        this(instanceArn, tasks, runtime, meters, clock, maxConcurrentPulls, wake, RepositoryCredentials.none());
    }

    /** As above, pulling images of containers with {@code repositoryCredentials} with the credentials named there. */
    public Agent(String instanceArn, AgentTasks tasks, ContainerRuntime runtime, MeterRegistry meters, Clock clock,
                 int maxConcurrentPulls, Runnable wake, RepositoryCredentials repositoryCredentials) {
        this.instanceArn = Objects.requireNonNull(instanceArn, "instanceArn");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        this.writes = new TaskWrites(tasks);
        this.runtime = Objects.requireNonNull(runtime, "runtime");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pulls = new Pulls(runtime, new AgentMetrics(meters, runtime.name()), maxConcurrentPulls, "agent-pull-",
                Objects.requireNonNull(wake, "wake"), repositoryCredentials);
    }

    public String instanceArn() {
        return instanceArn;
    }

    public ContainerRuntime runtime() {
        return runtime;
    }

    /** One pass: one step of progress on every task of this instance that is not yet STOPPED. */
    public void reconcileOnce() {
        for (Versioned<TaskRow> task : tasks.forInstance(instanceArn)) {
            String arn = task.value().arn();
            if (!claimed.add(arn)) {
                continue; // another thread is on it
            }
            try {
                step(task);
            } catch (RuntimeException e) {
                LOG.warn("agent instance={} task={}: step failed, retrying next pass: {}", instanceArn, arn, e.toString(), e);
            } finally {
                claimed.remove(arn);
            }
        }
    }

    /** Waits for the pulls under way now (tests call this between passes instead of sleeping). */
    public boolean awaitPulls(Duration timeout) throws InterruptedException {
        return pulls.await(timeout);
    }

    private void step(Versioned<TaskRow> read) {
        TaskRow task = read.value();
        TaskState known = EcsStatus.taskState(task.lastStatus());
        TaskState next = TaskState.next(known, EcsStatus.desired(task.desiredStatus()));
        switch (next) {
            case PROVISIONING -> { }
            case PULLING -> beginPull(read);
            case RUNNING -> {
                if (known == TaskState.RUNNING) {
                    watch(read);
                } else {
                    pulls.poll(task).ifPresent(outcome -> finishPull(task.arn(), outcome));
                }
            }
            case STOPPING -> writes.apply(read, TaskWrites.when(TaskState.RUNNING, t -> t
                    .withDesired(t.desiredStatus(), t.stopCode(), t.stoppedReason(), now())
                    .withState(EcsStatus.lastStatus(TaskState.STOPPING), t.containers(), t.pullStartedAt(),
                            t.pullStoppedAt(), t.startedAt(), null)));
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
    private void beginPull(Versioned<TaskRow> read) {
        writes.apply(read, TaskWrites.when(TaskState.PROVISIONING, t -> t.withState(
                        EcsStatus.lastStatus(TaskState.PULLING), t.containers(), now(), null, null, null)))
                .ifPresent(pulls::poll);
    }

    private void finishPull(String arn, PullOutcome outcome) {
        // Re-read under the claim: a pass that listed this task before another thread launched it must not
        // launch it again.
        Optional<Versioned<TaskRow>> fresh = tasks.find(arn);
        if (fresh.isEmpty()) {
            pulls.forget(arn);
            return;
        }
        TaskRow task = fresh.get().value();
        TaskState known = EcsStatus.taskState(task.lastStatus());
        if (known != TaskState.PULLING || TaskState.next(known, EcsStatus.desired(task.desiredStatus())) != TaskState.RUNNING) {
            return; // moved on, or now wanted STOPPED: the next pass decides
        }
        switch (outcome) {
            case PullOutcome.Pulled pulled -> launch(fresh.get(), pulled);
            case PullOutcome.Failed failed -> failToStart(fresh.get(), failed);
        }
        pulls.forget(arn);
    }

    /** PENDING → RUNNING: start every pulled container, then record them with the digests pulled. */
    private void launch(Versioned<TaskRow> read, PullOutcome.Pulled pulled) {
        TaskRow task = read.value();
        Map<String, ContainerRow> started = new HashMap<>();
        for (ContainerRow c : task.containers()) {
            PullResult image = pulled.byContainer().get(c.name());
            ContainerState known = EcsStatus.containerState(c.lastStatus(), image != null);
            if (ContainerState.next(known, ContainerState.RUNNING) != ContainerState.RUNNING || known != ContainerState.PULLED) {
                continue;
            }
            ContainerRow withImage = c.with(c.lastStatus(), image.digest().toString(), c.exitCode(), c.reason(), c.runtimeId());
            String id = runtime.start(task, withImage);
            started.put(c.name(), withImage.with(EcsStatus.lastStatus(ContainerState.RUNNING), withImage.imageDigest(),
                    null, null, id));
        }
        long now = now();
        Optional<TaskRow> written = writes.apply(read, TaskWrites.when(TaskState.PULLING, t -> t.withState(
                EcsStatus.lastStatus(TaskState.RUNNING), mapContainers(t, c -> started.getOrDefault(c.name(), c)),
                t.pullStartedAt(), now, now, null)));
        if (written.isEmpty()) {
            // someone else moved the task while we started its containers: do not leave them behind
            started.values().forEach(c -> runtime.stop(c.runtimeId(), DEFAULT_STOP_TIMEOUT));
            return;
        }
        LOG.debug("agent instance={} task={} RUNNING", instanceArn, task.arn());
    }

    /** A pull failed: the task stops with TaskFailedToStart and the container names the failure. */
    private void failToStart(Versioned<TaskRow> read, PullOutcome.Failed failed) {
        String reason = "CannotPullContainerError: " + failed.error().getMessage();
        long now = now();
        writes.apply(read, TaskWrites.when(TaskState.PULLING, t -> t.stoppedBy(PULL_FAILED, reason).withState(
                EcsStatus.lastStatus(TaskState.STOPPED),
                mapContainers(t, c -> c.with(EcsStatus.lastStatus(ContainerState.STOPPED), c.imageDigest(), c.exitCode(),
                        c.name().equals(failed.container()) ? reason : c.reason(), c.runtimeId())),
                t.pullStartedAt(), now, null, now))).ifPresent(t ->
                LOG.info("agent instance={} task={} STOPPED: {}", instanceArn, t.arn(), reason));
    }

    /** RUNNING and wanted RUNNING: notice containers that exited; an essential one stops the task. */
    private void watch(Versioned<TaskRow> read) {
        Map<String, ExitStatus> exited = new HashMap<>();
        for (ContainerRow c : read.value().containers()) {
            if (c.runtimeId() != null && EcsStatus.containerState(c.lastStatus(), true) == ContainerState.RUNNING) {
                runtime.status(c.runtimeId()).ifPresent(s -> exited.put(c.name(), s));
            }
        }
        if (exited.isEmpty()) {
            return;
        }
        writes.apply(read, TaskWrites.when(TaskState.RUNNING, t -> {
            TaskRow updated = t.withState(t.lastStatus(), mapContainers(t, c -> exited.containsKey(c.name())
                    ? c.with(EcsStatus.lastStatus(ContainerState.STOPPED), c.imageDigest(), exited.get(c.name()).exitCode(),
                            exited.get(c.name()).reason(), c.runtimeId())
                    : c), t.pullStartedAt(), t.pullStoppedAt(), t.startedAt(), t.stoppedAt());
            boolean essentialExited = t.containers().stream().anyMatch(c -> c.essential() && exited.containsKey(c.name()));
            return essentialExited ? updated.stoppedBy(ESSENTIAL_EXITED, "Essential container in task exited") : updated;
        }));
    }

    /** STOPPING → STOPPED: stop every running container and record how it exited. */
    private void stopContainers(Versioned<TaskRow> read) {
        Map<String, ContainerRow> stopped = new HashMap<>();
        Map<String, Duration> timeouts = StopTimeouts.of(tasks.taskDefinitionDoc(read.value().taskDefinitionArn()).orElse(null));
        for (ContainerRow c : read.value().containers()) {
            ContainerState known = EcsStatus.containerState(c.lastStatus(), c.runtimeId() != null);
            if (known == ContainerState.RUNNING && c.runtimeId() != null
                    && ContainerState.next(known, ContainerState.STOPPED) == ContainerState.STOPPED) {
                runtime.stop(c.runtimeId(), timeouts.getOrDefault(c.name(), DEFAULT_STOP_TIMEOUT));
                Optional<ExitStatus> exit = runtime.status(c.runtimeId());
                stopped.put(c.name(), c.with(EcsStatus.lastStatus(ContainerState.STOPPED), c.imageDigest(),
                        exit.map(ExitStatus::exitCode).orElse(null), exit.map(ExitStatus::reason).orElse(c.reason()),
                        c.runtimeId()));
            }
        }
        writes.apply(read, TaskWrites.when(TaskState.STOPPING, t -> stoppedRow(t, c -> stopped.getOrDefault(c.name(), c))));
    }

    /** Wanted STOPPED before it ran: stop without pulling (or without waiting for the pull). */
    private void abandon(Versioned<TaskRow> read) {
        pulls.forget(read.value().arn());
        Function<TaskRow, Optional<TaskRow>> change = t -> {
            TaskState known = EcsStatus.taskState(t.lastStatus());
            return known == TaskState.PROVISIONING || known == TaskState.PULLING
                    ? Optional.of(stoppedRow(t, c -> c)) : Optional.empty();
        };
        writes.apply(read, change);
    }

    private TaskRow stoppedRow(TaskRow t, Function<ContainerRow, ContainerRow> containers) {
        long now = now();
        return t.withState(EcsStatus.lastStatus(TaskState.STOPPED), mapContainers(t, c -> {
                    ContainerRow changed = containers.apply(c);
                    return changed.with(EcsStatus.lastStatus(ContainerState.STOPPED), changed.imageDigest(),
                            changed.exitCode(), changed.reason(), changed.runtimeId());
                }), t.pullStartedAt(), t.pullStartedAt() != null && t.pullStoppedAt() == null ? Long.valueOf(now) : t.pullStoppedAt(),
                t.startedAt(), now);
    }

    private static List<ContainerRow> mapContainers(TaskRow t, Function<ContainerRow, ContainerRow> f) {
        return t.containers().stream().map(f).toList();
    }

    private long now() {
        return clock.millis();
    }

    @Override
    public void close() {
        pulls.close();
    }
}
