package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.agent.protocol.AgentProtocol;
import dev.ballast.agent.protocol.AttachmentStateReport;
import dev.ballast.agent.protocol.ContainerStateReport;
import dev.ballast.agent.protocol.PollTasksResponse;
import dev.ballast.agent.protocol.TaskEntry;
import dev.ballast.agent.protocol.TaskStateReport;
import dev.ballast.core.CompareAndSet;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.Cas;
import dev.ballast.store.Change;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The agent side of the API (docs/agent-protocol.md). SubmitTaskStateChange and SubmitContainerStateChange
 * as ECS models them, accepted only from the agent of the task's container instance (named in
 * {@value Operation#INSTANCE_HEADER}); and Ballast's extension under {@value #TARGET_PREFIX}: {@code PollTasks},
 * a long-poll for the instance's tasks that also counts as a heartbeat, and {@code Heartbeat}.
 */
public final class AgentOperations {
    /** The {@code X-Amz-Target} prefix of the agent protocol extension. */
    public static final String TARGET_PREFIX = AgentProtocol.EXTENSION_TARGET_PREFIX;

    static final int MAX_WAIT_SECONDS = 20;
    private static final List<String> TASK_ORDER =
            Arrays.stream(TaskStatus.values()).map(TaskStatus::wire).toList();
    private static final List<String> CONTAINER_STATUSES =
            Arrays.stream(ContainerStatus.values()).map(ContainerStatus::wire).toList();

    private final Store store;
    private final ContainerInstanceOperations instances;
    private final Clock clock;
    private final Duration maxWait;
    /** How often a waiting poll looks at the server's clock (and re-reads while notifications are not reliable). */
    private final Duration clockCheck;

    private final Runnable wakeControllers;
    private final Consumer<String> wakeService;
    private final PollViews views;

    /**
     * @param maxWait the longest a {@code PollTasks} waits, whatever the agent asks (a third of the disconnect
     *                timeout, so that polls keep the instance connected)
     */
    AgentOperations(
            Store store,
            ContainerInstanceOperations instances,
            Clock clock,
            Duration maxWait,
            Runnable wakeControllers,
            Consumer<String> wakeService) {
        this.store = store;
        this.instances = instances;
        this.clock = clock;
        this.maxWait = maxWait;
        this.clockCheck = Duration.ofSeconds(1);
        this.wakeControllers = wakeControllers;
        this.wakeService = wakeService;
        this.views = new PollViews(store, clock);
    }

    /** The ECS operations (validated against the model). */
    void registerEcs(Map<String, Operation> ops) {
        ops.put("SubmitTaskStateChange", this::submitTask);
        ops.put("SubmitContainerStateChange", this::submitContainer);
    }

    /** The extension operations; they must be served under {@link #TARGET_PREFIX}. */
    void registerExtension(Map<String, Operation> ops) {
        ops.put("PollTasks", (in, call) -> poll(in));
        ops.put("Heartbeat", (in, call) -> heartbeat(in));
    }

    // ---- Ballast extension ----

    private Versioned<InstanceRow> liveInstance(ObjectNode in) {
        ClusterRecord cluster = views.cluster(Params.text(in, "cluster", false), instances::cluster);
        Versioned<InstanceRow> v = instances.find(cluster, Params.text(in, "containerInstance", true), views::instance);
        if (v.value().status().equals(ContainerInstanceStatus.INACTIVE.wire())) {
            throw AwsException.client("Container instance " + v.value().arn() + " is deregistered.");
        }
        return v;
    }

    private JsonNode heartbeat(ObjectNode in) {
        InstanceRow i = liveInstance(in).value();
        store.heartbeats().record(i.arn(), clock.millis(), i.agentConnected());
        return Json.object().put("containerInstanceArn", i.arn()).put("status", i.status());
    }

    private JsonNode poll(ObjectNode in) {
        InstanceRow i = liveInstance(in).value();
        JsonNode waitNode = in.get("waitSeconds");
        if (waitNode != null && !waitNode.isIntegralNumber()) {
            throw AwsException.serialization("'waitSeconds' must be an integer.");
        }
        int wait = waitNode == null ? MAX_WAIT_SECONDS : waitNode.asInt();
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            throw AwsException.invalidParameter(
                    "'waitSeconds' must be between 0 and " + MAX_WAIT_SECONDS + ", got " + wait + ".");
        }
        store.heartbeats().record(i.arn(), clock.millis(), i.agentConnected());
        List<Versioned<TaskRow>> tasks = awaitTasks(i.arn(), wait);
        List<TaskEntry> entries = new ArrayList<>();
        for (Versioned<TaskRow> t : tasks) {
            entries.add(new TaskEntry(
                    AgentTaskRows.toWire(t.value()),
                    views.taskDefinitionDocument(t.value().taskDefinitionArn()).orElse(null)));
        }
        return Json.mapper()
                .valueToTree(new PollTasksResponse(
                        i.arn(),
                        views.instance(i.arn())
                                .map(v -> v.value().status())
                                .orElse(ContainerInstanceStatus.INACTIVE.wire()),
                        (int) Math.max(1, maxWait.toSeconds()),
                        entries));
    }

    /**
     * The instance's tasks once one needs the agent's attention, or when the wait ends. The wait ends by the
     * server's clock (a test moves it), checked every {@code clockCheck}; the real-time bound only keeps a
     * stopped clock from holding a request open for ever. Waiting costs no query: the tasks are read again
     * only when a change notification for the instance's tasks arrives (every {@code clockCheck} while
     * notifications are not reliable).
     */
    private List<Versioned<TaskRow>> awaitTasks(String instanceArn, int waitSeconds) {
        long waitMillis = Math.min(Duration.ofSeconds(waitSeconds).toMillis(), maxWait.toMillis());
        long deadline = clock.millis() + waitMillis;
        long realDeadline = System.nanoTime() + Duration.ofMillis(waitMillis).toNanos();
        Change key = Change.instanceTasks(instanceArn);
        PollViews.Snapshot<List<Versioned<TaskRow>>> tasks = views.tasks(instanceArn);
        while (tasks.value().stream().noneMatch(t -> needsAttention(t.value()))
                && clock.millis() < deadline
                && System.nanoTime() < realDeadline) {
            Duration slice = Duration.ofMillis(Math.min(clockCheck.toMillis(), Math.max(1, deadline - clock.millis())));
            boolean changed = store.changes().await(tasks.seq(), key, slice);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
            if (changed) {
                tasks = views.tasks(instanceArn);
            }
        }
        return tasks.value();
    }

    /** Desired and last status differ: the agent has something to do. */
    private static boolean needsAttention(TaskRow t) {
        return !(t.desiredStatus().equals(DesiredStatus.RUNNING.wire())
                && t.lastStatus().equals(TaskStatus.RUNNING.wire()));
    }

    // ---- ECS state changes ----

    private JsonNode submitTask(ObjectNode in, Operation.Call call) {
        TaskStateReport report = read(in, TaskStateReport.class);
        report.containers().forEach(AgentOperations::check);
        AttachmentReports.check(report.attachments());
        String status = report.status();
        if (status != null && !TASK_ORDER.contains(status)) {
            throw AwsException.invalidParameter(
                    "Unknown task status '" + ShapeValidator.clip(status) + "'; expected one of " + TASK_ORDER + ".");
        }
        // stopCode is Ballast's extension of SubmitTaskStateChange (docs/agent-protocol.md); ApiModel adds it and
        // ShapeValidator has checked it is a TaskStopCode.
        StopCode stopCode = report.stopCode() == null ? null : StopCode.fromWire(report.stopCode());
        apply(
                in,
                call,
                status,
                report.reason(),
                stopCode,
                report.containers(),
                millis(report.pullStartedAt()),
                millis(report.pullStoppedAt()),
                millis(report.executionStoppedAt()),
                report.attachments());
        return Json.object().put("acknowledgment", "ACK");
    }

    private JsonNode submitContainer(ObjectNode in, Operation.Call call) {
        Params.required(in, "containerName");
        ContainerStateReport c = read(in, ContainerStateReport.class);
        check(c);
        apply(in, call, null, null, null, List.of(c), null, null, null, List.of());
        return Json.object().put("acknowledgment", "ACK");
    }

    /** The validated input as the protocol's record (members the model does not have were dropped already). */
    private static <T> T read(ObjectNode in, Class<T> type) {
        try {
            return AgentProtocol.mapper().treeToValue(in, type);
        } catch (IOException e) {
            throw AwsException.serialization("Cannot read the state change: " + ShapeValidator.clip(e.getMessage()));
        }
    }

    private static void check(ContainerStateReport c) {
        String name = c.containerName();
        if (name == null || name.isEmpty()) {
            throw AwsException.invalidParameter("Each container state change needs a 'containerName'.");
        }
        String status = c.status();
        if (status != null && !CONTAINER_STATUSES.contains(status)) {
            throw AwsException.invalidParameter("Unknown container status '" + ShapeValidator.clip(status)
                    + "' for container " + ShapeValidator.clip(name) + "; expected one of " + CONTAINER_STATUSES + ".");
        }
        String digest = c.imageDigest();
        if (digest != null && !digest.matches("sha(256|512):[0-9a-f]{64,128}")) {
            throw AwsException.invalidParameter(
                    "'imageDigest' of container " + ShapeValidator.clip(name) + " is not a digest.");
        }
    }

    private static Long millis(BigDecimal seconds) {
        return seconds == null ? null : Math.round(seconds.doubleValue() * 1000);
    }

    private void apply(
            ObjectNode in,
            Operation.Call call,
            String status,
            String reason,
            StopCode stopCode,
            List<ContainerStateReport> containers,
            Long pullStarted,
            Long pullStopped,
            Long executionStopped,
            List<AttachmentStateReport> attachments) {
        if (call.containerInstance() == null) {
            throw AwsException.accessDenied(
                    "State changes are accepted only from the agent of the task's container instance; "
                            + "it names the instance in the " + Operation.INSTANCE_HEADER + " header.");
        }
        ClusterRecord cluster = instances.cluster(in);
        InstanceRow instance = instances.find(cluster, call.containerInstance()).value();
        String ref = Params.required(in, "task");
        String taskArn = instances.taskArn(cluster, ref);
        String[] service = new String[1];
        try {
            Cas.update(
                    () -> Optional.of(store.tasks()
                            .find(taskArn)
                            .orElseThrow(() -> AwsException.invalidParameter(
                                    "The referenced task was not found: " + ShapeValidator.clip(ref) + "."))),
                    t -> {
                        service[0] = t.serviceArn();
                        if (!instance.arn().equals(t.containerInstanceArn())) {
                            throw AwsException.accessDenied(
                                    "Task " + t.arn() + " is not on container instance " + instance.arn() + ".");
                        }
                        return merge(
                                t,
                                status,
                                reason,
                                stopCode,
                                containers,
                                pullStarted,
                                pullStopped,
                                executionStopped,
                                attachments,
                                clock.millis());
                    },
                    (read, merged) -> store.tasks().update(merged, read.version()),
                    10);
        } catch (CompareAndSet.ConflictException e) {
            throw AwsException.contended("Task " + taskArn);
        }
        store.heartbeats().record(instance.arn(), clock.millis(), instance.agentConnected());
        if (service[0] != null && !TaskStatus.STOPPED.wire().equals(status)) {
            // a service task moved on (pulled, started, running): only its service has anything to do now — waking
            // every service on each report kept a replica's controllers busy with all its services during launches
            wakeService.accept(service[0]);
        } else {
            wakeControllers.run(); // a stop frees capacity other services may be waiting for
        }
    }

    /**
     * The stop code of a task stopped by an agent older than the {@code stopCode} member (docs/agent-protocol.md,
     * "Compatibility"): decided by the task's state, never by its reason's text: a task that never ran failed to
     * start, unless the same report shows an essential container that ran and exited (an exit code); one that ran
     * stopped because an essential container exited (the only other reason such an agent stops a task on its own).
     */
    static StopCode legacyStopCode(TaskRow t, List<TaskRow.ContainerRow> reported) {
        boolean essentialExited = reported.stream()
                .anyMatch(c -> c.essential()
                        && c.exitCode() != null
                        && ContainerStatus.STOPPED.wire().equals(c.lastStatus()));
        return t.startedAt() == null && !essentialExited
                ? StopCode.TASK_FAILED_TO_START
                : StopCode.ESSENTIAL_CONTAINER_EXITED;
    }

    /** The task with the agent's report applied; empty when it changes nothing. Refuses to move backwards. */
    private static Optional<TaskRow> merge(
            TaskRow t,
            String status,
            String reason,
            StopCode stopCode,
            List<ContainerStateReport> reports,
            Long pullStarted,
            Long pullStopped,
            Long executionStopped,
            List<AttachmentStateReport> attachments,
            long now) {
        String last = status == null ? t.lastStatus() : status;
        if (TASK_ORDER.indexOf(last) < TASK_ORDER.indexOf(t.lastStatus())) {
            if (t.isStopped()) {
                throw AwsException.client("Task " + t.arn() + " is already STOPPED (" + t.stoppedReason() + ").");
            }
            throw AwsException.client(
                    "Task " + t.arn() + " cannot move from " + t.lastStatus() + " back to " + last + ".");
        }
        if (t.isStopped()) {
            return Optional.empty(); // a repeated STOPPED report
        }
        List<TaskRow.ContainerRow> containers = new ArrayList<>(t.containers());
        for (ContainerStateReport r : reports) {
            int index = -1;
            for (int k = 0; k < containers.size(); k++) {
                if (containers.get(k).name().equals(r.containerName())) {
                    index = k;
                }
            }
            if (index < 0) {
                throw AwsException.invalidParameter(
                        "Task " + t.arn() + " has no container named " + ShapeValidator.clip(r.containerName()) + ".");
            }
            TaskRow.ContainerRow c = containers.get(index);
            containers.set(
                    index,
                    c.with(
                                    r.status() == null ? c.lastStatus() : r.status(),
                                    r.imageDigest() == null ? c.imageDigest() : r.imageDigest(),
                                    r.exitCode() == null ? c.exitCode() : r.exitCode(),
                                    r.reason() == null ? c.reason() : r.reason(),
                                    r.runtimeId() == null ? c.runtimeId() : r.runtimeId())
                            .withHealth(r.healthStatus() == null ? c.healthStatus() : r.healthStatus()));
        }
        TaskRow next = t;
        if (reason != null && !reason.equals(t.stoppedReason()) || stopCode != null) {
            // The agent stopped the task on its own and says why: its stop code is recorded as sent (a code the
            // server set first, e.g. UserInitiated, stays).
            next = next.stoppedBy((stopCode != null ? stopCode : legacyStopCode(t, containers)).wire(), reason);
        }
        int order = TASK_ORDER.indexOf(last);
        Long stoppingAt = next.stoppingAt() == null && order >= TASK_ORDER.indexOf(TaskStatus.DEACTIVATING.wire())
                ? Long.valueOf(now)
                : next.stoppingAt();
        next = next.withDesired(next.desiredStatus(), next.stopCode(), next.stoppedReason(), stoppingAt);
        Long started =
                t.startedAt() == null && last.equals(TaskStatus.RUNNING.wire()) ? Long.valueOf(now) : t.startedAt();
        Long pullStart = pullStarted != null
                ? pullStarted
                : t.pullStartedAt() == null && order >= TASK_ORDER.indexOf(TaskStatus.PENDING.wire())
                        ? Long.valueOf(now)
                        : t.pullStartedAt();
        Long pullStop = pullStopped != null
                ? pullStopped
                : t.pullStoppedAt() == null && order >= TASK_ORDER.indexOf(TaskStatus.RUNNING.wire())
                        ? Long.valueOf(now)
                        : t.pullStoppedAt();
        Long stopped = last.equals(TaskStatus.STOPPED.wire())
                ? (executionStopped != null ? executionStopped : Long.valueOf(now))
                : t.stoppedAt();
        next = AttachmentReports.apply(
                next.withState(last, containers, pullStart, pullStop, started, stopped), attachments);
        return next.equals(t) ? Optional.empty() : Optional.of(next);
    }
}
