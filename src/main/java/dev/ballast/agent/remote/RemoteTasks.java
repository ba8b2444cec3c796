package dev.ballast.agent.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.AgentContainer;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.AgentTasks;
import dev.ballast.agent.protocol.AgentProtocol;
import dev.ballast.agent.protocol.AttachmentStateReport;
import dev.ballast.agent.protocol.ContainerStateReport;
import dev.ballast.agent.protocol.PollTasksResponse;
import dev.ballast.agent.protocol.PolledContainer;
import dev.ballast.agent.protocol.PolledTask;
import dev.ballast.agent.protocol.TaskEntry;
import dev.ballast.agent.protocol.TaskStateReport;
import dev.ballast.core.ModelJson;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskStatus;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AgentTasks} for a remote {@code ballast agent}: reads are the tasks the last {@code PollTasks}
 * answered; a write is a {@code SubmitTaskStateChange} of what changed (status, containers, pull and stop
 * times, and the stop code and reason when the agent stopped the task itself). Versions are local: each poll or
 * accepted report advances a task's version, so the agent's compare-and-set logic works unchanged. A
 * report the server refuses (task stopped by the server, moved, or deregistered instance) drops the task
 * and hands it to {@code onRefused}, which stops its containers. Thread-safe (an agent may step several
 * tasks at once): the known tasks are guarded by a lock that is never held across a report's HTTP call (one
 * task's slow report does not hold up the others'; the agent steps each task on one thread at a time).
 */
public final class RemoteTasks implements AgentTasks {
    private static final int CACHED_DEFINITIONS = 1_000;
    private final Map<String, TaskDefinition> definitions = new HashMap<>();
    private final Set<String> unreadable = new HashSet<>();
    private static final Logger LOG = LoggerFactory.getLogger(RemoteTasks.class);

    private final JsonApiClient client;
    private final String cluster;
    private final String instanceArn;
    private final Consumer<AgentTask> onRefused;
    private final Map<String, AgentTask> tasks = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();

    public RemoteTasks(JsonApiClient client, String cluster, String instanceArn, Consumer<AgentTask> onRefused) {
        this.client = client;
        this.cluster = cluster;
        this.instanceArn = instanceArn;
        this.onRefused = onRefused;
    }

    /**
     * One {@code PollTasks} (also the instance's heartbeat): waits up to {@code waitSeconds} for a task that needs
     * the agent, then replaces the known tasks with the answer.
     *
     * @throws JsonApiClient.Failure when the server cannot be reached or refuses
     */
    public void poll(int waitSeconds) {
        ObjectNode in = AgentProtocol.mapper()
                .createObjectNode()
                .put("cluster", cluster)
                .put("containerInstance", instanceArn)
                .put("waitSeconds", waitSeconds);
        refresh(client.call(AgentProtocol.EXTENSION_TARGET_PREFIX, "PollTasks", in));
    }

    /** Replaces the known tasks with a {@code PollTasks} answer. */
    public void refresh(JsonNode pollAnswer) {
        lock.lock();
        try {
            PollTasksResponse answer;
            try {
                answer = AgentProtocol.mapper().treeToValue(pollAnswer, PollTasksResponse.class);
            } catch (IOException e) {
                throw new IllegalStateException("PollTasks answered what this agent cannot read: " + e.getMessage(), e);
            }
            Map<String, AgentTask> fresh = new LinkedHashMap<>();
            for (TaskEntry entry : answer.tasks()) {
                AgentTask polled = toAgent(entry, 1, definition(entry));
                AgentTask known = tasks.get(polled.arn());
                long version = known == null
                        ? 1
                        : known.equals(polled.atVersion(known.version())) ? known.version() : known.version() + 1;
                fresh.put(polled.arn(), polled.atVersion(version));
            }
            tasks.clear();
            tasks.putAll(fresh);
        } finally {
            lock.unlock();
        }
    }

    /** True while some task is not settled (wanted and known RUNNING), so the agent should poll again soon. */
    public boolean busy() {
        lock.lock();
        try {
            return tasks.values().stream()
                    .anyMatch(
                            t -> !(t.desiredStatus() == DesiredStatus.RUNNING && t.lastStatus() == TaskStatus.RUNNING));
        } finally {
            lock.unlock();
        }
    }

    /** True while some task has containers running here, which the agent must watch for exits. */
    public boolean watching() {
        lock.lock();
        try {
            return tasks.values().stream()
                    .anyMatch(t -> t.lastStatus() == TaskStatus.RUNNING
                            || t.containers().stream().anyMatch(c -> c.lastStatus() == ContainerStatus.RUNNING));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<AgentTask> forInstance(String instance) {
        lock.lock();
        try {
            return instance.equals(instanceArn) ? new ArrayList<>(tasks.values()) : List.of();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<AgentTask> find(String taskArn) {
        lock.lock();
        try {
            return Optional.ofNullable(tasks.get(taskArn));
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean update(AgentTask task) {
        AgentTask known;
        lock.lock();
        try {
            known = tasks.get(task.arn());
            if (known == null || known.version() != task.version()) {
                return false;
            }
        } finally {
            lock.unlock();
        }
        try {
            client.call(
                    AgentProtocol.ECS_TARGET_PREFIX,
                    "SubmitTaskStateChange",
                    AgentProtocol.mapper().valueToTree(report(cluster, known, task)),
                    Map.of(AgentProtocol.INSTANCE_HEADER, instanceArn));
        } catch (JsonApiClient.Failure f) {
            if (f.status() == 0 || f.status() >= 500) {
                throw new IllegalStateException(
                        "report " + task.arn() + " " + task.lastStatus().wire() + ": " + f.getMessage(), f);
            }
            LOG.warn(
                    "agent instance={} task={}: the server refused the report ({}: {}); dropping the task",
                    instanceArn,
                    task.arn(),
                    f.type(),
                    f.getMessage());
            lock.lock();
            try {
                tasks.remove(task.arn());
            } finally {
                lock.unlock();
            }
            onRefused.accept(task); // as this pass left it: includes containers started just now
            return false;
        }
        lock.lock();
        try {
            // a poll answered while the report was in flight already holds the newer state: keep that
            AgentTask now = tasks.get(task.arn());
            if (now != null && now.version() == task.version()) {
                tasks.put(task.arn(), task.atVersion(task.version() + 1));
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * The SubmitTaskStateChange input that takes the server from {@code before} to {@code after}: the stop code and
     * reason travel together, when the agent set them; an awsvpc task's attachment travels when it changed.
     */
    static TaskStateReport report(String cluster, AgentTask before, AgentTask after) {
        boolean stoppedHere =
                after.stoppedReason() != null && !Objects.equals(after.stoppedReason(), before.stoppedReason());
        List<ContainerStateReport> containers = after.containers().stream()
                .map(c -> new ContainerStateReport(
                        c.name(),
                        c.lastStatus().wire(),
                        c.imageDigest(),
                        c.runtimeId(),
                        c.reason(),
                        c.healthStatus() == null ? null : c.healthStatus().wire(),
                        c.exitCode()))
                .toList();
        EniAttachment eni = after.eni();
        List<AttachmentStateReport> attachments =
                eni == null || eni.status() == null || Objects.equals(eni, before.eni())
                        ? List.of()
                        : List.of(new AttachmentStateReport(
                                eni.attachmentId(), eni.status().wire(), eni.privateIPv4Address(), eni.macAddress()));
        return new TaskStateReport(
                cluster,
                after.arn(),
                after.lastStatus().wire(),
                stoppedHere ? after.stoppedReason() : null,
                stoppedHere && after.stopCode() != null ? after.stopCode().wire() : null,
                containers,
                seconds(after.pullStartedAt()),
                seconds(after.pullStoppedAt()),
                seconds(after.stoppedAt()),
                attachments);
    }

    private static BigDecimal seconds(Long millis) {
        return millis == null ? null : BigDecimal.valueOf(millis).movePointLeft(3);
    }

    /** The typed task definition a poll shipped with a task; parsed once per revision ARN (revisions never change). */
    private TaskDefinition definition(TaskEntry entry) {
        JsonNode td = entry.taskDefinition();
        if (td == null || td.isNull()) {
            return null;
        }
        String arn = entry.task().taskDefinitionArn();
        TaskDefinition known = definitions.get(arn);
        if (known == null) {
            if (definitions.size() >= CACHED_DEFINITIONS) {
                definitions.clear();
            }
            try {
                known = ModelJson.taskDefinition(td);
            } catch (IllegalArgumentException e) {
                // one unreadable definition must not stop this agent's other tasks: this one runs with defaults
                if (unreadable.add(arn)) {
                    LOG.warn(
                            "agent instance={}: task definition {} cannot be read ({}); its containers start with defaults",
                            instanceArn,
                            arn,
                            e.getMessage());
                }
                return null;
            }
            definitions.put(arn, known);
        }
        return known;
    }

    /** The agent's record of a polled task, at {@code version}, with its typed task definition (or null). */
    static AgentTask toAgent(TaskEntry entry, long version, TaskDefinition td) {
        PolledTask t = entry.task();
        return new AgentTask(
                t.arn(),
                t.cluster(),
                t.taskDefinitionArn(),
                t.containerInstanceArn(),
                DesiredStatus.fromWire(t.desiredStatus()),
                TaskStatus.fromWire(t.lastStatus()),
                t.containers().stream().map(RemoteTasks::toAgent).toList(),
                t.stopCode() == null ? null : StopCode.fromWire(t.stopCode()),
                t.stoppedReason(),
                t.pullStartedAt(),
                t.pullStoppedAt(),
                t.startedAt(),
                t.stoppingAt(),
                t.stoppedAt(),
                td,
                version,
                t.launch());
    }

    private static AgentContainer toAgent(PolledContainer c) {
        return new AgentContainer(
                c.name(),
                c.containerArn(),
                c.image(),
                c.launchImage(),
                c.imageDigest(),
                ContainerStatus.fromWire(c.lastStatus()),
                c.exitCode(),
                c.reason(),
                c.runtimeId(),
                c.essential(),
                c.credentialsParameter(),
                c.healthStatus() == null ? null : HealthStatus.fromWire(c.healthStatus()));
    }
}
