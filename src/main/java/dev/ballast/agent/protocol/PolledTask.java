package dev.ballast.agent.protocol;

import dev.ballast.model.TaskLaunch;
import java.util.List;

/**
 * A task as {@code PollTasks} ships it: every member of the server's task, statuses as ECS wire strings, times in
 * epoch milliseconds, absent members not written. {@code stopped} repeats {@code lastStatus == STOPPED} (always
 * false in a poll, which lists unstopped tasks; kept for agents that read it). {@code launch} (added 2026-12) is how
 * the task was launched when that is more than a plain EC2 launch: its launch type, capacity provider, platform
 * version and, for an awsvpc task, its network interface ({@code eni}: the engine network to join, the attachment
 * to report); absent for a plain EC2 launch, which is what an agent takes its absence to mean.
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
        boolean stopped,
        TaskLaunch launch) {
    public PolledTask {
        containers = containers == null ? List.of() : List.copyOf(containers);
    }
}
