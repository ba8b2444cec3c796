package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.LaunchType;
import dev.ballast.model.TransportProtocol;
import dev.ballast.store.TaskDefinitionRecord;
import java.math.BigDecimal;

/** Builds the TaskDefinition shape: ECS's defaults on registration, status and times on output. */
final class TaskDefinitionDocs {
    private TaskDefinitionDocs() {}

    /** The defaults ECS fills in on registration (the model's: {@link ContainerDefinition}, {@link TransportProtocol}). */
    static void applyDefaults(ObjectNode td) {
        for (JsonNode n : td.path("containerDefinitions")) {
            ObjectNode c = (ObjectNode) n;
            if (!c.has("cpu")) {
                c.put("cpu", ContainerDefinition.DEFAULT_CPU);
            }
            if (!c.has("essential")) {
                c.put("essential", ContainerDefinition.DEFAULT_ESSENTIAL);
            }
            for (String list : new String[] {"portMappings", "environment", "mountPoints", "volumesFrom"}) {
                if (!c.has(list)) {
                    c.putArray(list);
                }
            }
            for (JsonNode p : c.path("portMappings")) {
                if (!p.has("protocol")) {
                    ((ObjectNode) p).put("protocol", TransportProtocol.TCP.wire());
                }
            }
        }
        for (JsonNode v : td.path("volumes")) {
            JsonNode efs = v.path("efsVolumeConfiguration");
            if (efs.isObject() && !efs.has("rootDirectory")) {
                ((ObjectNode) efs).put("rootDirectory", "/"); // ECS mounts the file system's root by default
            }
        }
        for (String list : new String[] {"volumes", "placementConstraints"}) {
            if (!td.has(list)) {
                td.putArray(list);
            }
        }
        ArrayNode compat = Json.mapper().createArrayNode().add(LaunchType.EC2.wire());
        for (JsonNode c : td.path("requiresCompatibilities")) {
            if (!c.asText().equals(LaunchType.EC2.wire())) {
                compat.add(c.asText());
            }
        }
        td.set("compatibilities", compat);
    }

    static ObjectNode render(TaskDefinitionRecord r) {
        ObjectNode td = (ObjectNode) Json.read(r.doc());
        td.put("status", r.status());
        td.put("registeredAt", seconds(r.registeredAt()));
        if (r.deregisteredAt() != null) {
            td.put("deregisteredAt", seconds(r.deregisteredAt()));
        }
        if (r.deleteRequestedAt() != null) {
            td.put("deleteRequestedAt", seconds(r.deleteRequestedAt()));
        }
        return td;
    }

    /** AWS JSON timestamps: epoch seconds, fractional. */
    static BigDecimal seconds(long millis) {
        return BigDecimal.valueOf(millis, 3);
    }
}
