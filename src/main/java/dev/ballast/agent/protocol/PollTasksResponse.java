package dev.ballast.agent.protocol;

import java.util.List;

/**
 * The answer to {@code PollTasks} (docs/agent-protocol.md): the instance's status, how often the agent must poll at
 * least (its heartbeat), and the tasks placed on it that are not yet STOPPED, each with its task definition.
 */
public record PollTasksResponse(
        String containerInstanceArn, String status, int heartbeatIntervalSeconds, List<TaskEntry> tasks) {
    public PollTasksResponse {
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
    }
}
