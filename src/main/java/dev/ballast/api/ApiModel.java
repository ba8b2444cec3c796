package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The ECS API model (operations and shapes, as the AWS SDKs know them), loaded from a copy of the
 * published model with its documentation stripped. Used to validate every request's types.
 */
final class ApiModel {
    private final JsonNode shapes;
    private final JsonNode operations;
    private final String targetPrefix;

    private ApiModel(JsonNode root) {
        this.shapes = root.path("shapes");
        this.operations = root.path("operations");
        this.targetPrefix = root.path("metadata").path("targetPrefix").asText();
    }

    static ApiModel load(ObjectMapper mapper) {
        try (InputStream in = ApiModel.class.getResourceAsStream("ecs-shapes.json")) {
            if (in == null) {
                throw new IllegalStateException("ecs-shapes.json missing from the classpath");
            }
            return new ApiModel(withExtensions(mapper.readTree(in)));
        } catch (IOException e) {
            throw new UncheckedIOException("read the ECS API model", e);
        }
    }

    /**
     * Ballast's additions to the published model (docs/agent-protocol.md): an agent reports a container's
     * {@code healthStatus} in {@code ContainerStateChange} and {@code SubmitContainerStateChange}, which ECS's
     * model does not carry (its agent reports health over its own channel); and the {@code stopCode} of a task
     * the agent stopped itself in {@code SubmitTaskStateChange} (ECS's agent leaves it to the control plane); and
     * the {@code privateIPv4Address} and {@code macAddress} of an awsvpc task's attachment in
     * {@code AttachmentStateChange} (ECS's agent learns them from EC2; Ballast's from its engine).
     */
    private static JsonNode withExtensions(JsonNode root) {
        if (root.path("shapes").path("SubmitTaskStateChangeRequest").path("members") instanceof ObjectNode m
                && !m.has("stopCode")) {
            m.putObject("stopCode").put("shape", "TaskStopCode");
        }
        if (root.path("shapes").path("AttachmentStateChange").path("members") instanceof ObjectNode m
                && !m.has("privateIPv4Address")) {
            m.putObject("privateIPv4Address").put("shape", "String");
            m.putObject("macAddress").put("shape", "String");
        }
        for (String shape : new String[] {"ContainerStateChange", "SubmitContainerStateChangeRequest"}) {
            JsonNode members = root.path("shapes").path(shape).path("members");
            if (members instanceof ObjectNode m && !m.has("healthStatus")) {
                m.putObject("healthStatus").put("shape", "HealthStatus");
            }
        }
        return root;
    }

    String targetPrefix() {
        return targetPrefix;
    }

    boolean hasOperation(String name) {
        return operations.has(name);
    }

    /** The input shape name of an operation, if it has one. */
    Optional<String> inputShape(String operation) {
        JsonNode in = operations.path(operation).path("input");
        return in.isTextual() ? Optional.of(in.asText()) : Optional.empty();
    }

    JsonNode shape(String name) {
        JsonNode s = shapes.get(name);
        if (s == null) {
            throw new IllegalStateException("unknown shape " + name);
        }
        return s;
    }

    Iterable<Map.Entry<String, JsonNode>> members(JsonNode structure) {
        return structure.path("members").properties();
    }
}
