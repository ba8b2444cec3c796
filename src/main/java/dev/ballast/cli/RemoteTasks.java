package dev.ballast.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.AgentTasks;
import dev.ballast.api.EcsApi;
import dev.ballast.api.Json;
import dev.ballast.api.Operation;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link AgentTasks} for a remote {@code ballast agent}: reads are the tasks the last {@code PollTasks}
 * answered; a write is a {@code SubmitTaskStateChange} of what changed (status, containers, pull and stop
 * times, and the reason when the agent stopped the task itself). Versions are local: each poll or
 * accepted report advances a task's version, so the agent's compare-and-set logic works unchanged. A
 * report the server refuses (task stopped by the server, moved, or deregistered instance) drops the task
 * and hands it to {@code onRefused}, which stops its containers. Thread-safe (an agent may step several
 * tasks at once); each call holds the lock, reports included.
 */
final class RemoteTasks implements AgentTasks {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteTasks.class);
    private static final ObjectMapper LENIENT = Json.mapper().copy().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final JsonApiClient client;
    private final String cluster;
    private final String instanceArn;
    private final Consumer<TaskRow> onRefused;
    private final Map<String, Versioned<TaskRow>> tasks = new LinkedHashMap<>();
    private final Map<String, JsonNode> taskDefinitions = new LinkedHashMap<>();

    RemoteTasks(JsonApiClient client, String cluster, String instanceArn, Consumer<TaskRow> onRefused) {
        this.client = client;
        this.cluster = cluster;
        this.instanceArn = instanceArn;
        this.onRefused = onRefused;
    }

    /** Replaces the known tasks with a {@code PollTasks} answer. */
    synchronized void refresh(JsonNode pollAnswer) {
        Map<String, Versioned<TaskRow>> fresh = new LinkedHashMap<>();
        for (JsonNode entry : pollAnswer.path("tasks")) {
            TaskRow row;
            try {
                row = LENIENT.treeToValue(entry.path("task"), TaskRow.class);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("PollTasks answered a task this agent cannot read: " + e.getMessage(), e);
            }
            Versioned<TaskRow> known = tasks.get(row.arn());
            long version = known == null ? 1 : known.value().equals(row) ? known.version() : known.version() + 1;
            fresh.put(row.arn(), new Versioned<>(row, version));
            if (entry.has("taskDefinition")) {
                taskDefinitions.put(row.taskDefinitionArn(), entry.get("taskDefinition"));
            }
        }
        tasks.clear();
        tasks.putAll(fresh);
    }

    /** True while some task is not settled (wanted and known RUNNING), so the agent should poll again soon. */
    synchronized boolean busy() {
        return tasks.values().stream().anyMatch(v -> !(v.value().desiredStatus().equals(DesiredStatus.RUNNING.wire())
                && v.value().lastStatus().equals(TaskStatus.RUNNING.wire())));
    }

    /** True while some task has containers running here, which the agent must watch for exits. */
    synchronized boolean watching() {
        return tasks.values().stream().anyMatch(v -> v.value().lastStatus().equals(TaskStatus.RUNNING.wire())
                || v.value().containers().stream().anyMatch(c -> ContainerStatus.RUNNING.wire().equals(c.lastStatus())));
    }

    /** The task definition a task was launched from, as the server sent it (for runtimes that need it). */
    @Override
    public synchronized Optional<String> taskDefinitionDoc(String taskDefinitionArn) {
        return taskDefinition(taskDefinitionArn).map(JsonNode::toString);
    }

    synchronized Optional<JsonNode> taskDefinition(String arn) {
        return Optional.ofNullable(taskDefinitions.get(arn));
    }

    @Override
    public synchronized List<Versioned<TaskRow>> forInstance(String instance) {
        return instance.equals(instanceArn) ? new ArrayList<>(tasks.values()) : List.of();
    }

    @Override
    public synchronized Optional<Versioned<TaskRow>> find(String taskArn) {
        return Optional.ofNullable(tasks.get(taskArn));
    }

    @Override
    public synchronized boolean update(TaskRow task, long version) {
        Versioned<TaskRow> known = tasks.get(task.arn());
        if (known == null || known.version() != version) {
            return false;
        }
        try {
            client.call(EcsApi.TARGET_PREFIX, "SubmitTaskStateChange", report(known.value(), task),
                    Map.of(Operation.INSTANCE_HEADER, instanceArn));
        } catch (JsonApiClient.Failure f) {
            if (f.status() == 0 || f.status() >= 500) {
                throw new IllegalStateException("report " + task.arn() + " " + task.lastStatus() + ": " + f.getMessage(), f);
            }
            LOG.warn("agent instance={} task={}: the server refused the report ({}: {}); dropping the task",
                    instanceArn, task.arn(), f.type(), f.getMessage());
            tasks.remove(task.arn());
            onRefused.accept(task); // as this pass left it: includes containers started just now
            return false;
        }
        tasks.put(task.arn(), new Versioned<>(task, version + 1));
        return true;
    }

    /** The SubmitTaskStateChange input that takes the server from {@code before} to {@code after}. */
    private ObjectNode report(TaskRow before, TaskRow after) {
        ObjectNode in = Json.object();
        in.put("cluster", cluster);
        in.put("task", after.arn());
        in.put("status", after.lastStatus());
        if (after.stoppedReason() != null && !Objects.equals(after.stoppedReason(), before.stoppedReason())) {
            in.put("reason", after.stoppedReason());
        }
        ArrayNode containers = in.putArray("containers");
        for (TaskRow.ContainerRow c : after.containers()) {
            ObjectNode cj = containers.addObject();
            cj.put("containerName", c.name());
            cj.put("status", c.lastStatus());
            putIf(cj, "imageDigest", c.imageDigest());
            putIf(cj, "runtimeId", c.runtimeId());
            putIf(cj, "reason", c.reason());
            putIf(cj, "healthStatus", c.healthStatus());
            if (c.exitCode() != null) {
                cj.put("exitCode", c.exitCode());
            }
        }
        putTime(in, "pullStartedAt", after.pullStartedAt());
        putTime(in, "pullStoppedAt", after.pullStoppedAt());
        putTime(in, "executionStoppedAt", after.stoppedAt());
        return in;
    }

    private static void putIf(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static void putTime(ObjectNode o, String field, Long millis) {
        if (millis != null) {
            o.put(field, BigDecimal.valueOf(millis).movePointLeft(3));
        }
    }
}
