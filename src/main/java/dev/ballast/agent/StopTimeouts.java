package dev.ballast.agent;

import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.TaskDefinition;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Each container's {@code stopTimeout} (ECS ContainerDefinition: seconds between SIGTERM and SIGKILL) from
 * a task definition; containers without one get {@link Agent#DEFAULT_STOP_TIMEOUT}.
 */
final class StopTimeouts {

    private StopTimeouts() {}

    /** Container name → stop timeout, for the containers of {@code taskDefinition} that set one. */
    static Map<String, Duration> of(TaskDefinition taskDefinition) {
        Map<String, Duration> out = new HashMap<>();
        for (ContainerDefinition c : taskDefinition.containers()) {
            if (c.stopTimeout() != null && c.stopTimeout() >= 0) {
                out.put(c.name(), Duration.ofSeconds(c.stopTimeout()));
            }
        }
        return out;
    }
}
