package dev.ballast.agent.protocol;

import java.util.List;

/**
 * A task as {@code PollTasks} ships it: every member of the server's task, statuses as ECS wire strings, times in
 * epoch milliseconds, absent members not written. {@code stopped} repeats {@code lastStatus == STOPPED} (always
 * false in a poll, which lists unstopped tasks; kept for agents that read it).
 */
public record PolledTask(
        String arn,
        String cluster,
        String clusterArn,
        String taskDefinitionArn,
        String serviceArn,
        String deploymentId,
        String startedBy,
        String group,
        String containerInstanceArn,
        String desiredStatus,
        String lastStatus,
        List<PolledContainer> containers,
        String stopCode,
        String stoppedReason,
        String clientToken,
        int cpu,
        int memory,
        long createdAt,
        Long pullStartedAt,
        Long pullStoppedAt,
        Long startedAt,
        Long stoppingAt,
        Long stoppedAt,
        long sequence,
        boolean stopped) {
    public PolledTask {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }
}
