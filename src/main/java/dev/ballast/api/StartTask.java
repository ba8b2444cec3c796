package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.schedule.Launcher;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Tags;
import dev.ballast.store.TaskDefinitionRecord;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * StartTask (ECS API reference): one task on each named container instance (1 to {@value #MAX_INSTANCES}, IDs or
 * ARNs). It shares RunTask's checks (task definition, {@code startedBy}, {@code group}, tags, what Ballast does
 * not serve) and its one image resolution per call; each instance that cannot take its task is a
 * {@code failures[]} entry naming the instance: {@code MISSING} (not in the cluster), {@code INACTIVE}
 * (deregistered), {@code DRAINING}, {@code AGENT} (disconnected) or the placement reason
 * ({@code RESOURCE:MEMORY}, {@code RESOURCE:CPU}, {@code RESOURCE:PORTS}).
 */
final class StartTask {
    static final int MAX_INSTANCES = 10;

    private final TaskOperations tasks;
    private final Store store;
    private final Account account;
    private final Launcher launcher;
    private final RunTaskResolution resolution;
    private final Runnable wakeAgents;

    StartTask(
            TaskOperations tasks,
            Store store,
            Account account,
            Launcher launcher,
            RunTaskResolution resolution,
            Runnable wakeAgents) {
        this.tasks = tasks;
        this.store = store;
        this.account = account;
        this.launcher = launcher;
        this.resolution = resolution;
        this.wakeAgents = wakeAgents;
    }

    JsonNode start(ObjectNode in) {
        Unserved.check("StartTask", in);
        ClusterRecord cluster = tasks.cluster(in);
        List<String> refs = Params.strings(in, "containerInstances");
        if (refs.isEmpty() || refs.size() > MAX_INSTANCES) {
            throw AwsException.invalidParameter("'containerInstances' must name between 1 and " + MAX_INSTANCES
                    + " container instances, got " + refs.size() + ".");
        }
        TaskDefinitionRecord td = tasks.launchable("StartTask", in);
        String startedBy = TaskOperations.startedBy(in);
        String group = TaskOperations.group(in, td);
        List<Tags.Tag> tags = tasks.tags(in, td);
        // StartTask has no launch type or strategy member: EC2 on the named instances, awsvpc checked as RunTask's
        LaunchSpec spec = LaunchChecks.check(in, td.definition(), cluster.name(), launcher.networks());
        Set<String> arns = new LinkedHashSet<>();
        refs.forEach(ref -> arns.add(ref.startsWith("arn:") ? ref : account.containerInstanceArn(cluster.name(), ref)));
        ResolutionRecord record = resolution.resolve(td, cluster.arn());
        List<TaskRow> started = new ArrayList<>();
        ArrayNode failures = Json.mapper().createArrayNode();
        for (String arn : arns) {
            Optional<InstanceRow> instance = store.instances()
                    .find(arn)
                    .map(Versioned::value)
                    .filter(i -> i.cluster().equals(cluster.name()));
            String refusal = instance.isEmpty() ? "MISSING" : refusal(instance.get());
            if (refusal == null) {
                Launcher.Launched launched = launcher.launch(
                        new Launcher.Launch(
                                cluster.name(),
                                cluster.arn(),
                                td,
                                record.containers(),
                                null,
                                null,
                                startedBy,
                                group,
                                null,
                                spec,
                                List.of(arn)),
                        1,
                        null,
                        tags);
                started.addAll(launched.tasks());
                refusal = launched.failureReason();
            }
            if (refusal != null) {
                failures.addObject().put("arn", arn).put("reason", refusal);
            }
        }
        if (!started.isEmpty()) {
            wakeAgents.run();
        }
        return tasks.result(started, failures, !tags.isEmpty());
    }

    /** Why a task cannot start on the instance before its resources are looked at, or null. */
    private static String refusal(InstanceRow i) {
        if (i.deregistered()) {
            return ContainerInstanceStatus.INACTIVE.wire();
        }
        if (!i.status().equals(ContainerInstanceStatus.ACTIVE.wire())) {
            return i.status();
        }
        return null;
    }
}
