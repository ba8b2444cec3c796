package dev.ballast.api;

import dev.ballast.agent.AgentContainer;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.protocol.PolledContainer;
import dev.ballast.agent.protocol.PolledTask;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRow.ContainerRow;
import java.util.Objects;

/**
 * The one conversion between the store's task rows and the agent's own records: a row read becomes an
 * {@link AgentTask}; what the agent wrote goes back onto the row it read (the fields an agent may change:
 * statuses, containers, stop code and reason, and the lifecycle times). The row's other fields (service,
 * deployment, tokens, resources) are the server's and pass through untouched.
 */
public final class AgentTaskRows {

    private AgentTaskRows() {}

    /** The agent's view of {@code row}, read at {@code version}, with its task definition document (or null). */
    public static AgentTask toAgent(TaskRow row, long version, TaskDefinition taskDefinition) {
        return new AgentTask(
                row.arn(),
                row.cluster(),
                row.taskDefinitionArn(),
                row.containerInstanceArn(),
                DesiredStatus.fromWire(row.desiredStatus()),
                TaskStatus.fromWire(row.lastStatus()),
                row.containers().stream().map(AgentTaskRows::toAgent).toList(),
                row.stopCode() == null ? null : StopCode.fromWire(row.stopCode()),
                row.stoppedReason(),
                row.pullStartedAt(),
                row.pullStoppedAt(),
                row.startedAt(),
                row.stoppingAt(),
                row.stoppedAt(),
                taskDefinition,
                version,
                row.launch());
    }

    /** The agent's view of one container row. */
    public static AgentContainer toAgent(ContainerRow c) {
        return new AgentContainer(
                c.name(),
                c.containerArn(),
                c.image(),
                c.launchImage(),
                c.imageDigest(),
                ContainerStatus.fromWire(c.lastStatus()),
                c.exitCode(),
                c.reason(),
                c.runtimeId(),
                c.essential(),
                c.credentialsParameter(),
                c.healthStatus() == null ? null : HealthStatus.fromWire(c.healthStatus()));
    }

    /** {@code row} as {@code PollTasks} ships it: every member, as stored. */
    static PolledTask toWire(TaskRow row) {
        return new PolledTask(
                row.arn(),
                row.cluster(),
                row.clusterArn(),
                row.taskDefinitionArn(),
                row.serviceArn(),
                row.deploymentId(),
                row.startedBy(),
                row.group(),
                row.containerInstanceArn(),
                row.desiredStatus(),
                row.lastStatus(),
                row.containers().stream()
                        .map(c -> new PolledContainer(
                                c.name(),
                                c.containerArn(),
                                c.image(),
                                c.launchImage(),
                                c.imageDigest(),
                                c.lastStatus(),
                                c.exitCode(),
                                c.reason(),
                                c.runtimeId(),
                                c.essential(),
                                c.credentialsParameter(),
                                c.healthStatus()))
                        .toList(),
                row.stopCode(),
                row.stoppedReason(),
                row.clientToken(),
                row.cpu(),
                row.memory(),
                row.createdAt(),
                row.pullStartedAt(),
                row.pullStoppedAt(),
                row.startedAt(),
                row.stoppingAt(),
                row.stoppedAt(),
                row.sequence(),
                row.isStopped(),
                row.launch().equals(TaskLaunch.EC2) ? null : row.launch());
    }

    /** {@code read} with what the agent wrote in {@code task}. */
    public static TaskRow merge(TaskRow read, AgentTask task) {
        return withAgentEni(read, task.eni())
                .withDesired(
                        task.desiredStatus().wire(),
                        task.stopCode() == null ? null : task.stopCode().wire(),
                        task.stoppedReason(),
                        task.stoppingAt())
                .withState(
                        task.lastStatus().wire(),
                        task.containers().stream().map(AgentTaskRows::toRow).toList(),
                        task.pullStartedAt(),
                        task.pullStoppedAt(),
                        task.startedAt(),
                        task.stoppedAt());
    }

    /**
     * {@code row} with the part of its network interface the agent owns (status, address, MAC) taken from
     * {@code observed}; unchanged when either has none or they name different attachments.
     */
    static TaskRow withAgentEni(TaskRow row, EniAttachment observed) {
        EniAttachment eni = row.launch().eni();
        if (eni == null || observed == null || !Objects.equals(eni.attachmentId(), observed.attachmentId())) {
            return row;
        }
        EniAttachment merged = new EniAttachment(
                eni.attachmentId(),
                observed.status() == null ? eni.status() : observed.status(),
                eni.networkInterfaceId(),
                eni.subnetId(),
                eni.securityGroups(),
                eni.networkName(),
                observed.privateIPv4Address() == null ? eni.privateIPv4Address() : observed.privateIPv4Address(),
                observed.macAddress() == null ? eni.macAddress() : observed.macAddress());
        return merged.equals(eni) ? row : row.withLaunch(row.launch().withEni(merged));
    }

    /** The store's row of one agent container. */
    public static ContainerRow toRow(AgentContainer c) {
        return new ContainerRow(
                c.name(),
                c.containerArn(),
                c.image(),
                c.launchImage(),
                c.imageDigest(),
                c.lastStatus().wire(),
                c.exitCode(),
                c.reason(),
                c.runtimeId(),
                c.essential(),
                c.credentialsParameter(),
                c.healthStatus() == null ? null : c.healthStatus().wire());
    }
}
