package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.core.CompareAndSet;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.LaunchType;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskDefinitionStatus;
import dev.ballast.schedule.Launcher;
import dev.ballast.store.Cas;
import dev.ballast.store.ClientTokenClaim;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * RunTask, StopTask, DescribeTasks, ListTasks. A RunTask call resolves the task definition's images once;
 * all {@code count} tasks of the call launch the same digests.
 */
final class TaskOperations {
    private final Store store;
    private final Account account;
    private final ClusterOperations clusters;
    private final TaskDefinitionOperations taskDefinitions;
    private final RunTaskResolution resolution;
    private final Launcher launcher;
    private final Clock clock;
    private final Runnable wakeAgents;

    TaskOperations(
            Store store,
            Account account,
            ClusterOperations clusters,
            TaskDefinitionOperations taskDefinitions,
            RunTaskResolution resolution,
            Launcher launcher,
            Clock clock,
            Runnable wakeAgents) {
        this.store = store;
        this.account = account;
        this.clusters = clusters;
        this.taskDefinitions = taskDefinitions;
        this.resolution = resolution;
        this.launcher = launcher;
        this.clock = clock;
        this.wakeAgents = wakeAgents;
    }

    void register(Map<String, Operation> ops) {
        ops.put("RunTask", (in, call) -> run(in));
        ops.put("StopTask", (in, call) -> stop(in));
        ops.put("DescribeTasks", (in, call) -> describe(in));
        ops.put("ListTasks", (in, call) -> list(in));
        StartTask startTask = new StartTask(this, store, account, launcher, resolution, wakeAgents);
        ops.put("StartTask", (in, call) -> startTask.start(in));
    }

    ClusterRecord cluster(ObjectNode in) {
        return clusters.active(
                Optional.ofNullable(Params.string(in, "cluster")).orElse(ClusterOperations.DEFAULT_CLUSTER));
    }

    private JsonNode run(ObjectNode in) {
        Unserved.check("RunTask", in);
        PlacementChecks.check(in);
        ClusterRecord cluster = cluster(in);
        TaskDefinitionRecord td = launchable("RunTask", in);
        ObjectNode launchMembers = CapacityStrategies.withClusterDefault(cluster, in);
        LaunchSpec spec = LaunchChecks.check(launchMembers, td.definition(), cluster.name(), launcher.networks());
        int count = in.has("count") ? in.get("count").asInt() : 1;
        if (count < 1 || count > 10) {
            throw AwsException.invalidParameter("'count' must be between 1 and 10, got " + count + ".");
        }
        String startedBy = startedBy(in);
        List<Tags.Tag> tags = tags(in, td);
        String token = Params.string(in, "clientToken");
        if (token != null && (token.length() > 64 || !token.chars().allMatch(ch -> ch >= 33 && ch <= 126))) {
            throw AwsException.invalidParameter("'clientToken' must be 1-64 printable ASCII characters.");
        }
        ClientTokenClaim claim = token == null ? null : RunTaskTokens.claim(cluster.name(), token, in);
        Optional<List<TaskRow>> previous = claim == null ? Optional.empty() : RunTaskTokens.previous(store, claim);
        if (previous.isPresent()) {
            return result(previous.get(), null, cluster, !tags.isEmpty());
        }
        ResolutionRecord record = resolution.resolve(td, cluster.arn());
        Launcher.Launched launched;
        try {
            launched = launcher.launch(
                    new Launcher.Launch(
                            cluster.name(),
                            cluster.arn(),
                            td,
                            record.containers(),
                            null,
                            null,
                            startedBy,
                            group(in, td),
                            token,
                            spec,
                            null),
                    count,
                    claim,
                    tags);
        } catch (ClientTokenClaim.TakenException lost) {
            // a concurrent call with this token inserted its tasks first: answer those (or its conflict)
            return result(RunTaskTokens.previous(store, claim).orElseThrow(), null, cluster, !tags.isEmpty());
        }
        wakeAgents.run();
        return result(launched.tasks(), launched.failureReason(), cluster, !tags.isEmpty());
    }

    /**
     * The ACTIVE task definition revision a RunTask or StartTask request names, checked for what Ballast does
     * not serve and for its registries.
     */
    TaskDefinitionRecord launchable(String operation, ObjectNode in) {
        String ref = Params.required(in, "taskDefinition");
        TaskDefinitionRecord td = taskDefinitions
                .find(ref, true)
                .orElseThrow(() -> AwsException.client("TaskDefinition not found: " + ShapeValidator.clip(ref) + "."));
        if (!td.status().equals(TaskDefinitionStatus.ACTIVE.wire())) {
            throw AwsException.client("TaskDefinition is inactive: " + td.arn() + ".");
        }
        Unserved.checkTaskDefinition(operation, in, td.definition());
        taskDefinitions.checkRegistries(td);
        return td;
    }

    /** The request's {@code startedBy} (null when none), at most 128 characters. */
    static String startedBy(ObjectNode in) {
        String startedBy = Params.string(in, "startedBy");
        if (startedBy != null && startedBy.length() > 128) {
            throw AwsException.invalidParameter("'startedBy' must be at most 128 characters.");
        }
        return startedBy;
    }

    /** The request's {@code group}, else {@code family:FAMILY}. */
    static String group(ObjectNode in, TaskDefinitionRecord td) {
        return Optional.ofNullable(Params.string(in, "group")).orElse("family:" + family(td));
    }

    /**
     * The tags RunTask gives its tasks: {@code tags}, over the task definition's own when
     * {@code propagateTags} is TASK_DEFINITION (a key in both takes the request's value).
     */
    List<Tags.Tag> tags(ObjectNode in, TaskDefinitionRecord td) {
        List<Tags.Tag> requested = Params.tags(in.path("tags"), "tags");
        String propagate =
                Optional.ofNullable(Params.string(in, "propagateTags")).orElse("NONE");
        switch (propagate) {
            case "NONE" -> {
                return requested;
            }
            case "TASK_DEFINITION" -> {
                Map<String, Tags.Tag> merged = new TreeMap<>();
                store.tags().list(td.arn()).forEach(t -> merged.put(t.key(), t));
                requested.forEach(t -> merged.put(t.key(), t));
                if (merged.size() > TagOperations.MAX_TAGS) {
                    throw AwsException.invalidParameter(
                            "The task would have " + merged.size() + " tags (its task definition's and "
                                    + "'tags'); a resource can have at most " + TagOperations.MAX_TAGS + ".");
                }
                return List.copyOf(merged.values());
            }
            case "SERVICE" ->
                throw AwsException.invalidParameter(
                        "Invalid 'propagateTags' SERVICE: a task run with RunTask has no service; use TASK_DEFINITION or NONE.");
            default ->
                throw AwsException.invalidParameter("Invalid 'propagateTags' '" + ShapeValidator.clip(propagate)
                        + "': expected TASK_DEFINITION, SERVICE or NONE.");
        }
    }

    private ObjectNode result(List<TaskRow> tasks, String failure, ClusterRecord cluster, boolean withTags) {
        ArrayNode failures = Json.mapper().createArrayNode();
        if (failure != null) {
            failures.addObject().put("arn", cluster.arn()).put("reason", failure);
        }
        return result(tasks, failures, withTags);
    }

    /** RunTask's and StartTask's answer: the tasks (with their tags when the request gave some) and the failures. */
    ObjectNode result(List<TaskRow> tasks, ArrayNode failures, boolean withTags) {
        ObjectNode out = Json.object();
        ArrayNode arr = out.putArray("tasks");
        tasks.forEach(t -> arr.add(TaskDocs.task(t, withTags, store)));
        out.set("failures", failures);
        return out;
    }

    private JsonNode stop(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        String ref = Params.required(in, "task");
        String reason = Optional.ofNullable(Params.string(in, "reason")).orElse("Task stopped by user");
        if (reason.length() > 255) {
            throw AwsException.invalidParameter("'reason' must be at most 255 characters.");
        }
        String arn = taskArn(cluster, ref);
        try {
            Cas.update(
                    () -> Optional.of(store.tasks()
                            .find(arn)
                            .orElseThrow(() -> AwsException.invalidParameter(
                                    "The referenced task was not found: " + ShapeValidator.clip(ref) + "."))),
                    t -> t.desiredStatus().equals(DesiredStatus.STOPPED.wire())
                            ? Optional.empty()
                            : Optional.of(t.withDesired(
                                    DesiredStatus.STOPPED.wire(),
                                    StopCode.USER_INITIATED.wire(),
                                    reason,
                                    clock.millis())),
                    (read, changed) -> store.tasks().update(changed, read.version()),
                    5);
        } catch (CompareAndSet.ConflictException e) {
            throw AwsException.contended("The task");
        }
        wakeAgents.run();
        return Json.object()
                .set("task", TaskDocs.task(store.tasks().find(arn).orElseThrow().value(), false, store));
    }

    private JsonNode describe(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        List<String> refs = Params.strings(in, "tasks");
        if (refs.isEmpty() || refs.size() > 100) {
            throw AwsException.invalidParameter("'tasks' must name between 1 and 100 tasks, got " + refs.size() + ".");
        }
        boolean tags = Params.strings(in, "include").contains("TAGS");
        ArrayNode tasks = Json.mapper().createArrayNode();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String ref : refs) {
            String arn = taskArn(cluster, ref);
            Optional<Versioned<TaskRow>> t = store.tasks().find(arn);
            if (t.isPresent()) {
                tasks.add(TaskDocs.task(t.get().value(), tags, store));
            } else {
                failures.addObject().put("arn", arn).put("reason", "MISSING");
            }
        }
        ObjectNode out = Json.object();
        out.set("tasks", tasks);
        out.set("failures", failures);
        return out;
    }

    private JsonNode list(ObjectNode in) {
        ClusterRecord cluster = cluster(in);
        int max = Pagination.maxResults(in, 100, 100);
        JsonNode after = Pagination.after(in, "ListTasks");
        String service = Params.string(in, "serviceName");
        String serviceArn = service == null
                ? null
                : service.startsWith("arn:") ? service : account.serviceArn(cluster.name(), service);
        String family = Params.string(in, "family");
        String instance = Params.string(in, "containerInstance");
        if (instance != null && !instance.startsWith("arn:")) {
            instance = account.containerInstanceArn(cluster.name(), instance);
        }
        String desired = Optional.ofNullable(Params.string(in, "desiredStatus")).orElse(DesiredStatus.RUNNING.wire());
        List<TaskRow> rows = store.tasks()
                .list(
                        cluster.name(),
                        serviceArn,
                        family == null ? null : account.ecsArnPrefix() + "task-definition/" + family + ":",
                        desired,
                        Params.string(in, "startedBy"),
                        instance,
                        launchType(in),
                        after == null ? null : after.path("arn").asText(),
                        max + 1);
        ObjectNode out = Json.object();
        out.set(
                "taskArns",
                Params.array(rows.stream().limit(max).map(TaskRow::arn).toList()));
        if (rows.size() > max) {
            out.put(
                    "nextToken",
                    Pagination.token(
                            "ListTasks",
                            Json.object().put("arn", rows.get(max - 1).arn())));
        }
        return out;
    }

    /** ListTasks' {@code launchType} filter: null when absent; an unknown value is refused, naming it. */
    private static LaunchType launchType(ObjectNode in) {
        String value = Params.string(in, "launchType");
        if (value == null) {
            return null;
        }
        for (LaunchType t : LaunchType.values()) {
            if (t.wire().equals(value)) {
                return t;
            }
        }
        throw AwsException.invalidParameter("'launchType' must be one of "
                + Arrays.stream(LaunchType.values()).map(LaunchType::wire).collect(Collectors.joining(", "))
                + ", got '" + value + "'.");
    }

    private String taskArn(ClusterRecord cluster, String ref) {
        return ref.startsWith("arn:") ? ref : account.taskArn(cluster.name(), ref);
    }

    private static String family(TaskDefinitionRecord td) {
        return td.family();
    }
}
