package dev.ballast.schedule;

import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.FencedException;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Sharding;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance-health reconciler: an instance whose agent has not reported (heartbeat, {@code PollTasks},
 * or an embedded agent's store heartbeat) for {@link Settings#disconnectAfter()} is marked
 * {@code agentConnected=false}, so placement skips it; after {@link Settings#taskTimeout()} its tasks that
 * are not STOPPED are stopped here — nobody else can — with stop code {@value #STOP_CODE}, and the service
 * scheduler replaces service tasks elsewhere. Level-triggered and idempotent: each pass reads the stale
 * instances and writes compare-and-set. For {@code disconnectAfter} after the server starts it does
 * nothing, so agents get the chance to reconnect to a restarted server.
 *
 * <p>With several replicas ({@link Sharding}) every replica judges only the instances of the shards it holds
 * ({@code Shards.of(instanceArn)}), and writes each instance's disconnect and its tasks' stops under that instance's
 * fence. An agent may poll any replica: its heartbeat reaches the store within the poll wait plus that replica's
 * flush period (two thirds of {@code disconnectAfter}), so the replica judging it never sees a live agent as silent.
 */
public final class InstanceHealth {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceHealth.class);

    /** The ECS stop code of tasks stopped because their agent went away. */
    public static final String STOP_CODE = StopCode.INFRASTRUCTURE_HEALTH.wire();
    /** The stopped reason of those tasks. */
    public static final String STOP_REASON = "Task stopped because its container instance's agent is disconnected";

    /** How long without a heartbeat until an agent counts as disconnected, and until its tasks are stopped. */
    public record Settings(Duration disconnectAfter, Duration taskTimeout) {
        public Settings {
            Objects.requireNonNull(disconnectAfter, "disconnectAfter");
            Objects.requireNonNull(taskTimeout, "taskTimeout");
            if (disconnectAfter.isNegative()
                    || disconnectAfter.isZero()
                    || taskTimeout.compareTo(disconnectAfter) < 0) {
                throw new IllegalArgumentException(
                        "agent disconnect-after must be positive and the task timeout at least as long; got "
                                + disconnectAfter + " and " + taskTimeout);
            }
        }

        /**
         * How often a live agent's heartbeat must reach the store, a third of {@code disconnectAfter}: the longest a
         * {@code PollTasks} waits, and how often each replica writes the heartbeats it heard. A polling agent's stored
         * heartbeat is then at most two of these old, whichever replica it polls and whichever judges it.
         */
        public Duration reportingPeriod() {
            return disconnectAfter.dividedBy(3);
        }

        /** ECS-like defaults: disconnected after 30 s, tasks stopped after 60 s. */
        public static Settings defaults() {
            return new Settings(Duration.ofSeconds(30), Duration.ofSeconds(60));
        }
    }

    private final Store store;
    private final Clock clock;
    private final Settings settings;
    private final long startedAt;
    private final Sharding sharding;
    private final Counter infrastructureStops;
    private final Counter disconnects;
    /** Instances this monitor marked disconnected, until it sees them connected again (for the reconnect log). */
    private final Set<String> disconnected = ConcurrentHashMap.newKeySet();

    public InstanceHealth(Store store, Clock clock, Settings settings) {
        this(store, clock, settings, new SimpleMeterRegistry());
    }

    /**
     * As above, publishing {@code ballast.agents} (container instances by agent state, {@code connected} or
     * {@code disconnected}; read from the store when scraped) and {@code ballast.tasks.infrastructure.stopped}
     * (tasks this monitor stopped with {@value #STOP_CODE}) in {@code meters}.
     */
    public InstanceHealth(Store store, Clock clock, Settings settings, MeterRegistry meters) {
        this(store, clock, settings, meters, Sharding.ALL);
    }

    /**
     * As above, judging only the instances of the shards {@code sharding} holds (several replicas on one store), and
     * also publishing {@code ballast.agents.disconnects} (instances this replica marked disconnected).
     */
    public InstanceHealth(Store store, Clock clock, Settings settings, MeterRegistry meters, Sharding sharding) {
        this.sharding = Objects.requireNonNull(sharding, "sharding");
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.startedAt = clock.millis();
        this.infrastructureStops = Counter.builder("ballast.tasks.infrastructure.stopped")
                .baseUnit("tasks")
                .description(
                        "Tasks stopped with InfrastructureHealth because their container instance's agent was disconnected")
                .register(meters);
        this.disconnects = Counter.builder("ballast.agents.disconnects")
                .baseUnit("instances")
                .description("Container instances this replica marked disconnected (it judges those of its shards)")
                .register(meters);
        for (boolean connected : new boolean[] {true, false}) {
            Gauge.builder("ballast.agents", () -> agents(connected))
                    .baseUnit("instances")
                    .description("Registered container instances by agent state")
                    .tag("state", connected ? "connected" : "disconnected")
                    .register(meters);
        }
    }

    private long agents(boolean connected) {
        return store.instances().heartbeatBefore(Long.MAX_VALUE).stream()
                .filter(v -> v.value().status().equals(ContainerInstanceStatus.ACTIVE.wire())
                        && v.value().agentConnected() == connected)
                .count();
    }

    public Settings settings() {
        return settings;
    }

    /** One pass; answers how many tasks it stopped (the caller then lets the service scheduler run). */
    public int passOnce() {
        long now = clock.millis();
        if (now - startedAt < settings.disconnectAfter().toMillis()) {
            return 0;
        }
        // heartbeats this server heard but has not written yet, of agents the check below would misjudge
        store.heartbeats().flushBefore(now - settings.disconnectAfter().toMillis());
        noticeReconnects();
        for (Versioned<InstanceRow> v : store.instances()
                .heartbeatBefore(now - settings.disconnectAfter().toMillis())) {
            InstanceRow i = v.value();
            if (i.agentConnected()) {
                fenced(i.arn(), () -> disconnect(v, now));
            }
        }
        int[] stopped = {0};
        for (Versioned<InstanceRow> v :
                store.instances().heartbeatBefore(now - settings.taskTimeout().toMillis())) {
            fenced(v.value().arn(), () -> {
                for (Versioned<TaskRow> t : store.tasks().forInstance(v.value().arn())) {
                    if (stop(t, now)) {
                        stopped[0]++;
                    }
                }
            });
        }
        return reportStops(stopped[0]);
    }

    /** Runs {@code body} under the instance's fence when this replica holds its shard; a moved shard stops it. */
    private void fenced(String instanceArn, Runnable body) {
        try {
            sharding.runFenced(instanceArn, body);
        } catch (FencedException e) {
            // the instance's shard moved meanwhile: its new holder judges it, nothing more was written here
            LOG.info("instance={} health check stopped: {}", instanceArn, e.getMessage());
        }
    }

    private void disconnect(Versioned<InstanceRow> v, long now) {
        InstanceRow i = v.value();
        if (store.instances().update(i.disconnected(), v.version())) {
            LOG.warn(
                    "instance={} cluster={} agent disconnected: no heartbeat for {} ms",
                    i.arn(),
                    i.cluster(),
                    now - i.heartbeatAt());
            disconnected.add(i.arn());
            disconnects.increment();
            tellServices(i);
        }
    }

    private int reportStops(int stopped) {
        if (stopped > 0) {
            infrastructureStops.increment(stopped);
            LOG.warn("stopped {} task(s) of container instances whose agents are disconnected", stopped);
        }
        return stopped;
    }

    /** Logs the agents this monitor saw disconnect that are connected again (a heartbeat or poll reconnects them). */
    private void noticeReconnects() {
        for (String arn : disconnected) {
            Optional<Versioned<InstanceRow>> i = store.instances().find(arn);
            if (i.isEmpty() || !i.get().value().status().equals(ContainerInstanceStatus.ACTIVE.wire())) {
                disconnected.remove(arn);
            } else if (i.get().value().agentConnected()) {
                disconnected.remove(arn);
                LOG.info(
                        "instance={} cluster={} agent reconnected",
                        arn,
                        i.get().value().cluster());
            }
        }
    }

    /**
     * A service event for each service with tasks on the instance whose agent just disconnected, in ECS's
     * "(service name) …" style, saying what happens to those tasks if it stays away.
     */
    private void tellServices(InstanceRow instance) {
        Map<String, Long> byService = store.tasks().forInstance(instance.arn()).stream()
                .map(t -> t.value().serviceArn())
                .filter(Objects::nonNull)
                .collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
        String id = instance.arn().substring(instance.arn().lastIndexOf('/') + 1);
        byService.forEach((serviceArn, tasks) -> store.events()
                .add(
                        serviceArn,
                        "(service "
                                + serviceArn.substring(serviceArn.lastIndexOf('/') + 1) + ") has " + tasks
                                + " task(s) on (container-instance "
                                + id
                                + ") whose agent is disconnected; they are stopped and replaced if it does not reconnect within "
                                + settings.taskTimeout()
                                        .minus(settings.disconnectAfter())
                                        .toSeconds() + " s."));
    }

    private boolean stop(Versioned<TaskRow> read, long now) {
        return !read.value().isStopped()
                && store.tasks().update(stoppedWithoutAgent(read.value(), STOP_CODE, STOP_REASON, now), read.version());
    }

    /**
     * The task as STOPPED by the control plane itself, for when no agent will report it: wanted STOPPED with
     * {@code code} and {@code reason} (unless it already had a stop code), its containers STOPPED, and its awsvpc
     * network interface DELETED (no agent will report that either).
     */
    public static TaskRow stoppedWithoutAgent(TaskRow t, String code, String reason, long now) {
        EniAttachment eni = t.launch().eni();
        if (eni != null && eni.status() != AttachmentStatus.DELETED) {
            t = t.withLaunch(t.launch().withEni(eni.withStatus(AttachmentStatus.DELETED)));
        }
        TaskRow stopping = t.stoppedBy(code, reason);
        stopping = stopping.withDesired(
                DesiredStatus.STOPPED.wire(),
                stopping.stopCode(),
                stopping.stoppedReason(),
                t.stoppingAt() == null ? now : t.stoppingAt());
        return stopping.withState(
                TaskStatus.STOPPED.wire(),
                t.containers().stream()
                        .map(c -> c.lastStatus().equals(ContainerStatus.STOPPED.wire())
                                ? c
                                : c.with(
                                        ContainerStatus.STOPPED.wire(),
                                        c.imageDigest(),
                                        c.exitCode(),
                                        c.reason() == null ? reason : c.reason(),
                                        c.runtimeId()))
                        .toList(),
                t.pullStartedAt(),
                t.pullStartedAt() != null && t.pullStoppedAt() == null ? Long.valueOf(now) : t.pullStoppedAt(),
                t.startedAt(),
                now);
    }
}
