package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.model.ContainerCondition;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Per-container rules of RegisterTaskDefinition; see {@link TaskDefinitionValidator}. */
final class ContainerChecks {
    private ContainerChecks() {}

    /** Checks one container; returns the memory (MiB) it counts against the task's memory. */
    static long check(
            ObjectNode c, Set<String> containers, Set<String> volumes, String networkMode, boolean taskMemory) {
        String name = c.path("name").asText();
        String where = " for container '" + name + "'";
        String image = c.path("image").asText("");
        if (image.isEmpty()) {
            throw AwsException.client("Missing 'image'" + where + ".");
        }
        ImageSyntax.check(image).ifPresent(problem -> {
            throw AwsException.client(
                    "Invalid 'image' '" + ShapeValidator.clip(image) + "'" + where + ": " + problem + ".");
        });
        String vc = c.path("versionConsistency").asText(null);
        if (vc != null && !TaskDefinitionValidator.VERSION_CONSISTENCY.contains(vc)) {
            throw AwsException.client("Invalid 'versionConsistency' '" + ShapeValidator.clip(vc) + "'" + where
                    + ". Accepted values: enabled, consistent, disabled, default.");
        }
        if (c.has("repositoryCredentials")
                && c.path("repositoryCredentials")
                        .path("credentialsParameter")
                        .asText("")
                        .isBlank()) {
            throw AwsException.client("Invalid 'repositoryCredentials.credentialsParameter'" + where
                    + ": it must name a secret (its name or ARN).");
        }
        Integer memory = c.has("memory") ? c.get("memory").asInt() : null;
        Integer reservation =
                c.has("memoryReservation") ? c.get("memoryReservation").asInt() : null;
        if (memory == null && reservation == null && !taskMemory) {
            throw AwsException.client("Invalid setting for container '" + name
                    + "'. At least one of 'memory' or 'memoryReservation' must be specified.");
        }
        if (memory != null && memory < TaskDefinitionValidator.MIN_CONTAINER_MEMORY_MIB) {
            throw AwsException.client("Invalid 'memory' " + memory + where + ": the minimum is 6 MiB.");
        }
        if (reservation != null && reservation < TaskDefinitionValidator.MIN_CONTAINER_MEMORY_MIB) {
            throw AwsException.client("Invalid 'memoryReservation' " + reservation + where + ": the minimum is 6 MiB.");
        }
        if (memory != null && reservation != null && reservation > memory) {
            throw AwsException.client("Invalid 'memoryReservation' " + reservation + where
                    + ": it must not exceed 'memory' (" + memory + ").");
        }
        if (c.has("cpu") && c.get("cpu").asInt() < 0) {
            throw AwsException.client("Invalid 'cpu' " + c.get("cpu").asInt() + where + ": it must not be negative.");
        }
        checkPorts(c, where, networkMode);
        checkHealthCheck(c, where);
        SecretChecks.check(c, where);
        for (JsonNode d : c.path("dependsOn")) {
            String target = d.path("containerName").asText("");
            if (!containers.contains(target) || target.equals(name)) {
                throw AwsException.client("Invalid 'dependsOn' containerName '" + ShapeValidator.clip(target) + "'"
                        + where + ": it must name another container of this task definition.");
            }
        }
        for (JsonNode m : c.path("mountPoints")) {
            String v = m.path("sourceVolume").asText("");
            if (!volumes.contains(v)) {
                throw AwsException.client("Invalid 'mountPoints' sourceVolume '" + ShapeValidator.clip(v) + "'" + where
                        + ": it must name a volume in 'volumes'.");
            }
        }
        for (JsonNode v : c.path("volumesFrom")) {
            String source = v.path("sourceContainer").asText("");
            if (!containers.contains(source) || source.equals(name)) {
                throw AwsException.client("Invalid 'volumesFrom' sourceContainer '" + ShapeValidator.clip(source) + "'"
                        + where + ": it must name another container of this task definition.");
            }
        }
        if (c.has("links") && !networkMode.equals("bridge")) {
            throw AwsException.client(
                    "Invalid 'links'" + where + ": links are only supported with networkMode 'bridge'.");
        }
        return memory != null ? memory : reservation != null ? reservation : 0;
    }

    /** ECS {@code HealthCheck}: a command starting with CMD, CMD-SHELL or NONE, and its documented ranges. */
    private static void checkHealthCheck(ObjectNode c, String where) {
        JsonNode h = c.get("healthCheck");
        if (h == null) {
            return;
        }
        JsonNode command = h.path("command");
        String kind = command.isArray() && !command.isEmpty() ? command.get(0).asText("") : "";
        if (!(kind.equals("CMD") || kind.equals("CMD-SHELL") || kind.equals("NONE"))
                || (!kind.equals("NONE") && command.size() < 2)) {
            throw AwsException.client("Invalid 'healthCheck.command'" + where + ": it must start with CMD or CMD-SHELL "
                    + "followed by the command, or be [\"NONE\"].");
        }
        range(h, "interval", 5, 300, where);
        range(h, "timeout", 2, 60, where);
        range(h, "retries", 1, 10, where);
        range(h, "startPeriod", 0, 300, where);
    }

    private static void range(JsonNode h, String member, int min, int max, String where) {
        JsonNode n = h.get(member);
        if (n != null && (n.asInt() < min || n.asInt() > max)) {
            throw AwsException.client("Invalid 'healthCheck." + member + "' " + n.asInt() + where
                    + ": it must be between " + min + " and " + max + ".");
        }
    }

    /** A {@code dependsOn} condition HEALTHY needs the container it names to have a health check. */
    static void checkHealthyDependencies(JsonNode containerDefinitions) {
        Map<String, JsonNode> byName = new HashMap<>();
        containerDefinitions.forEach(c -> byName.put(c.path("name").asText(), c));
        for (JsonNode c : containerDefinitions) {
            for (JsonNode d : c.path("dependsOn")) {
                JsonNode target = byName.get(d.path("containerName").asText(""));
                JsonNode command =
                        target == null ? null : target.path("healthCheck").path("command");
                if (ContainerCondition.HEALTHY.wire().equals(d.path("condition").asText())
                        && target != null
                        && (!command.isArray()
                                || command.isEmpty()
                                || "NONE".equals(command.get(0).asText()))) {
                    throw AwsException.client("Invalid 'dependsOn' condition HEALTHY for container '"
                            + c.path("name").asText() + "': container '"
                            + ShapeValidator.clip(d.path("containerName").asText()) + "' has no 'healthCheck'.");
                }
            }
        }
    }

    private static void checkPorts(ObjectNode c, String where, String networkMode) {
        for (JsonNode p : c.path("portMappings")) {
            int containerPort = p.path("containerPort").asInt(-1);
            if (p.has("containerPort") && (containerPort < 0 || containerPort > 65535)) {
                throw AwsException.client(
                        "Invalid 'portMappings' containerPort " + containerPort + where + ": must be 0-65535.");
            }
            if (p.has("hostPort")) {
                int hostPort = p.get("hostPort").asInt();
                if (hostPort < 0 || hostPort > 65535) {
                    throw AwsException.client(
                            "Invalid 'portMappings' hostPort " + hostPort + where + ": must be 0-65535.");
                }
                if ((networkMode.equals("awsvpc") || networkMode.equals("host"))
                        && p.has("containerPort")
                        && hostPort != containerPort
                        && hostPort != 0) {
                    // ECS's text, naming the container and the ports at fault
                    throw AwsException.client("When networkMode=" + networkMode
                            + ", the host ports and container ports in port mappings must match (container '"
                            + c.path("name").asText() + "': hostPort " + hostPort + ", containerPort "
                            + containerPort + ").");
                }
            }
        }
    }
}
