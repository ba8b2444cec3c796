package dev.ballast.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Each container's {@code stopTimeout} (ECS ContainerDefinition: seconds between SIGTERM and SIGKILL) from
 * a task definition document; containers without one get {@link Agent#DEFAULT_STOP_TIMEOUT}.
 */
final class StopTimeouts {

    private StopTimeouts() {
    }

    /** Container name → stop timeout, for the containers of {@code taskDefinitionDoc} that set one. */
    static Map<String, Duration> of(String taskDefinitionDoc) {
        Map<String, Duration> out = new HashMap<>();
        if (taskDefinitionDoc == null) {
            return out;
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(taskDefinitionDoc);
        } catch (IOException e) {
            return out; // a stored document that does not parse: fall back to the default
        }
        for (JsonNode c : root.path("containerDefinitions")) {
            JsonNode t = c.path("stopTimeout");
            if (c.path("name").isTextual() && t.isIntegralNumber() && t.asInt() >= 0) {
                out.put(c.path("name").asText(), Duration.ofSeconds(t.asInt()));
            }
        }
        return out;
    }
}
