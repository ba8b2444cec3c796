package dev.ballast.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TaskHealth;
import dev.ballast.model.TaskLaunch;
import dev.ballast.schedule.PlatformVersions;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;

/**
 * Renders a task as the ECS Task shape: {@code image} as written, {@code imageDigest} as reported; a FARGATE
 * task with its platform version and family and, as on ECS, no {@code containerInstanceArn} (the Ballast
 * extension member {@code hostContainerInstanceArn} names the instance it runs on); an awsvpc task with its
 * network interface as an attachment and in its containers' {@code networkInterfaces}.
 */
final class TaskDocs {
    /** The attachment type of an awsvpc task's network interface. */
    static final String ENI_ATTACHMENT = "ElasticNetworkInterface";

    private TaskDocs() {}

    static ObjectNode task(TaskRow t, boolean tags, Store store) {
        ObjectNode out = Json.object();
        TaskLaunch launch = t.launch();
        boolean fargate = launch.launchType() == LaunchType.FARGATE;
        EniAttachment eni = launch.eni();
        ArrayNode attachments = out.putArray("attachments");
        if (eni != null) {
            attachments.add(attachment(eni));
        }
        if (launch.capacityProviderName() != null) {
            out.put("capacityProviderName", launch.capacityProviderName());
        }
        out.put("clusterArn", t.clusterArn());
        if (fargate) {
            // ECS shows no container instance for a FARGATE task; Ballast's extension member names its host
            out.put("hostContainerInstanceArn", t.containerInstanceArn());
        } else {
            out.put("containerInstanceArn", t.containerInstanceArn());
        }
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
            ArrayNode interfaces = cj.putArray("networkInterfaces");
            if (eni != null && eni.privateIPv4Address() != null) {
                interfaces
                        .addObject()
                        .put("attachmentId", eni.attachmentId())
                        .put("privateIpv4Address", eni.privateIPv4Address());
            }
        }
        out.put("cpu", Integer.toString(t.cpu()));
        out.put("createdAt", TaskDefinitionDocs.seconds(t.createdAt()));
        out.put("desiredStatus", t.desiredStatus());
        out.put("group", t.group());
        out.put("healthStatus", t.health().status().wire());
        out.put("lastStatus", t.lastStatus());
        out.put("launchType", launch.launchType().wire());
        out.put("memory", Integer.toString(t.memory()));
        out.putObject("overrides").putArray("containerOverrides");
        if (fargate) {
            out.put("platformVersion", launch.platformVersion());
            out.put("platformFamily", PlatformVersions.FAMILY);
        }
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

    /**
     * The ECS {@code Attachment} of an awsvpc task's network interface: its id, type, status and details
     * ({@code subnetId}, {@code networkInterfaceId}, and once the agent reported them {@code macAddress},
     * {@code privateDnsName}, {@code privateIPv4Address}).
     */
    private static ObjectNode attachment(EniAttachment eni) {
        ObjectNode a = Json.object();
        a.put("id", eni.attachmentId());
        a.put("type", ENI_ATTACHMENT);
        a.put("status", eni.status().wire());
        ArrayNode details = a.putArray("details");
        detail(details, "subnetId", eni.subnetId());
        detail(details, "networkInterfaceId", eni.networkInterfaceId());
        detail(details, "macAddress", eni.macAddress());
        if (eni.privateIPv4Address() != null) {
            detail(details, "privateDnsName", "ip-" + eni.privateIPv4Address().replace('.', '-') + ".ec2.internal");
            detail(details, "privateIPv4Address", eni.privateIPv4Address());
        }
        return a;
    }

    private static void detail(ArrayNode details, String name, String value) {
        if (value != null) {
            details.addObject().put("name", name).put("value", value);
        }
    }

    private static void putTime(ObjectNode out, String field, Long millis) {
        if (millis != null) {
            out.put(field, TaskDefinitionDocs.seconds(millis));
        }
    }
}
