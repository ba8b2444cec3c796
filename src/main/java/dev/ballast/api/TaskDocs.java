package dev.ballast.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.TaskHealth;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;

/** Renders a task as the ECS Task shape: {@code image} as written, {@code imageDigest} as reported. */
final class TaskDocs {
    private TaskDocs() {}

    static ObjectNode task(TaskRow t, boolean tags, Store store) {
        ObjectNode out = Json.object();
        out.putArray("attachments");
        out.put("clusterArn", t.clusterArn());
        out.put("containerInstanceArn", t.containerInstanceArn());
        ArrayNode containers = out.putArray("containers");
        for (TaskRow.ContainerRow c : t.containers()) {
            ObjectNode cj = containers.addObject();
            cj.put("containerArn", c.containerArn());
            cj.put("taskArn", t.arn());
            cj.put("name", c.name());
            cj.put("image", c.image());
            cj.put("imageDigest", c.imageDigest());
            cj.put("runtimeId", c.runtimeId());
            cj.put("lastStatus", c.lastStatus());
            if (c.exitCode() != null) {
                cj.put("exitCode", c.exitCode());
            }
            cj.put("reason", c.reason());
            cj.put("healthStatus", TaskHealth.shown(c.health()).wire());
            cj.putArray("networkBindings");
            cj.putArray("networkInterfaces");
        }
        out.put("cpu", Integer.toString(t.cpu()));
        out.put("createdAt", TaskDefinitionDocs.seconds(t.createdAt()));
        out.put("desiredStatus", t.desiredStatus());
        out.put("group", t.group());
        out.put("healthStatus", t.health().status().wire());
        out.put("lastStatus", t.lastStatus());
        out.put("launchType", "EC2");
        out.put("memory", Integer.toString(t.memory()));
        out.putObject("overrides").putArray("containerOverrides");
        putTime(out, "pullStartedAt", t.pullStartedAt());
        putTime(out, "pullStoppedAt", t.pullStoppedAt());
        putTime(out, "startedAt", t.startedAt());
        out.put("startedBy", t.startedBy());
        out.put("stopCode", t.stopCode());
        putTime(out, "stoppedAt", t.stoppedAt());
        out.put("stoppedReason", t.stoppedReason());
        putTime(out, "stoppingAt", t.stoppingAt());
        out.put("taskArn", t.arn());
        out.put("taskDefinitionArn", t.taskDefinitionArn());
        out.put("version", t.sequence() + 1);
        if (tags) {
            out.set("tags", Params.tagsJson(store.tags().list(t.arn())));
        }
        return out;
    }

    private static void putTime(ObjectNode out, String field, Long millis) {
        if (millis != null) {
            out.put(field, TaskDefinitionDocs.seconds(millis));
        }
    }
}
