package dev.ballast.schedule;

import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
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
 */
public final class InstanceHealth {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceHealth.class);

    /** The ECS stop code of tasks stopped because their agent went away. */
    public static final String STOP_CODE = "InfrastructureHealth";
    /** The stopped reason of those tasks. */
    public static final String STOP_REASON = "Task stopped because its container instance's agent is disconnected";

    /** How long without a heartbeat until an agent counts as disconnected, and until its tasks are stopped. */
    public record Settings(Duration disconnectAfter, Duration taskTimeout) {
        public Settings {
            Objects.requireNonNull(disconnectAfter, "disconnectAfter");
            Objects.requireNonNull(taskTimeout, "taskTimeout");
            if (disconnectAfter.isNegative() || disconnectAfter.isZero() || taskTimeout.compareTo(disconnectAfter) < 0) {
                throw new IllegalArgumentException("agent disconnect-after must be positive and the task timeout at least as long; got "
                        + disconnectAfter + " and " + taskTimeout);
            }
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

    public InstanceHealth(Store store, Clock clock, Settings settings) {
        this.store = store;
        this.clock = clock;
        this.settings = settings;
        this.startedAt = clock.millis();
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
        for (Versioned<InstanceRow> v : store.instances().heartbeatBefore(now - settings.disconnectAfter().toMillis())) {
            InstanceRow i = v.value();
            if (i.agentConnected() && store.instances().update(i.disconnected(), v.version())) {
                LOG.warn("instance={} cluster={} agent disconnected: no heartbeat for {} ms", i.arn(), i.cluster(),
                        now - i.heartbeatAt());
            }
        }
        int stopped = 0;
        for (Versioned<InstanceRow> v : store.instances().heartbeatBefore(now - settings.taskTimeout().toMillis())) {
            for (Versioned<TaskRow> t : store.tasks().forInstance(v.value().arn())) {
                if (stop(t, now)) {
                    stopped++;
                }
            }
        }
        if (stopped > 0) {
            LOG.warn("stopped {} task(s) of container instances whose agents are disconnected", stopped);
        }
        return stopped;
    }

    private boolean stop(Versioned<TaskRow> read, long now) {
        return !read.value().isStopped()
                && store.tasks().update(stoppedWithoutAgent(read.value(), STOP_CODE, STOP_REASON, now), read.version());
    }

    /**
     * The task as STOPPED by the control plane itself, for when no agent will report it: wanted STOPPED with
     * {@code code} and {@code reason} (unless it already had a stop code), its containers STOPPED.
     */
    public static TaskRow stoppedWithoutAgent(TaskRow t, String code, String reason, long now) {
        TaskRow stopping = t.stoppedBy(code, reason);
        stopping = stopping.withDesired("STOPPED", stopping.stopCode(), stopping.stoppedReason(),
                t.stoppingAt() == null ? now : t.stoppingAt());
        return stopping.withState("STOPPED", t.containers().stream()
                        .map(c -> c.lastStatus().equals("STOPPED") ? c
                                : c.with("STOPPED", c.imageDigest(), c.exitCode(), c.reason() == null ? reason : c.reason(),
                                c.runtimeId()))
                        .toList(),
                t.pullStartedAt(), t.pullStartedAt() != null && t.pullStoppedAt() == null ? Long.valueOf(now) : t.pullStoppedAt(),
                t.startedAt(), now);
    }
}
