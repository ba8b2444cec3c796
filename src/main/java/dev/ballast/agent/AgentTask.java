package dev.ballast.agent;

import dev.ballast.model.DesiredStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskDefinition;
import dev.ballast.model.TaskLaunch;
import dev.ballast.model.TaskStatus;
import java.util.List;
import java.util.Objects;

/**
 * A task as its agent sees it: what the scheduler wants, what the agent last observed, and everything a runtime
 * needs to start its containers (the task definition travels with the task; a runtime never asks for it). The
 * agent's own record, independent of how the server stores tasks: the embedded agent's source converts the store's
 * rows to it, a remote agent converts the {@code PollTasks} answer (docs/agent-protocol.md).
 *
 * @param cluster the cluster's name (labels on engine containers)
 * @param containerInstanceArn the instance the task is placed on, or null
 * @param stopCode why the task stops, or null while nobody stopped it
 * @param taskDefinition the typed task definition (parsed once per revision by its source), or null when the source does not
 *     know it (then containers start with defaults: no dependencies, stop timeouts, health checks or specs)
 * @param version the version this task was read at; {@link AgentTasks#update} writes only if it is still current
 * @param launch how the server launched the task (never null; {@link TaskLaunch#EC2} for a task without one): an
 *     awsvpc task's {@link TaskLaunch#eni()} names the engine network its namespace joins, and the agent fills in
 *     the address, MAC and status it observed
 */
public record AgentTask(
        String arn,
        String cluster,
        String taskDefinitionArn,
        String containerInstanceArn,
        DesiredStatus desiredStatus,
        TaskStatus lastStatus,
        List<AgentContainer> containers,
        StopCode stopCode,
        String stoppedReason,
        Long pullStartedAt,
        Long pullStoppedAt,
        Long startedAt,
        Long stoppingAt,
        Long stoppedAt,
        TaskDefinition taskDefinition,
        long version,
        TaskLaunch launch) {

    public AgentTask {
        Objects.requireNonNull(arn, "arn");
        Objects.requireNonNull(desiredStatus, "desiredStatus");
        Objects.requireNonNull(lastStatus, "lastStatus");
        containers = containers == null ? List.of() : List.copyOf(containers);
        launch = launch == null ? TaskLaunch.EC2 : launch;
    }

    /** A task launched the EC2 way (no network interface of its own). */
    public AgentTask(
            String arn,
            String cluster,
            String taskDefinitionArn,
            String containerInstanceArn,
            DesiredStatus desiredStatus,
            TaskStatus lastStatus,
            List<AgentContainer> containers,
            StopCode stopCode,
            String stoppedReason,
            Long pullStartedAt,
            Long pullStoppedAt,
            Long startedAt,
            Long stoppingAt,
            Long stoppedAt,
            TaskDefinition taskDefinition,
            long version) {
        this(
                arn,
                cluster,
                taskDefinitionArn,
                containerInstanceArn,
                desiredStatus,
                lastStatus,
                containers,
                stopCode,
                stoppedReason,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                taskDefinition,
                version,
                TaskLaunch.EC2);
    }

    /** The task's network interface (awsvpc), or null. */
    public EniAttachment eni() {
        return launch.eni();
    }

    /** This task with its network interface as the agent observed it. */
    public AgentTask withEni(EniAttachment e) {
        return new AgentTask(
                arn,
                cluster,
                taskDefinitionArn,
                containerInstanceArn,
                desiredStatus,
                lastStatus,
                containers,
                stopCode,
                stoppedReason,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                taskDefinition,
                version,
                launch.withEni(e));
    }

    /** This task with a new desired status, stop code, reason and time it started stopping. */
    public AgentTask withDesired(DesiredStatus desired, StopCode code, String reason, Long stopping) {
        return new AgentTask(
                arn,
                cluster,
                taskDefinitionArn,
                containerInstanceArn,
                desired,
                lastStatus,
                containers,
                code,
                reason,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stopping,
                stoppedAt,
                taskDefinition,
                version,
                launch);
    }

    /** This task as the agent observed it now. */
    public AgentTask withState(
            TaskStatus last,
            List<AgentContainer> newContainers,
            Long pullStarted,
            Long pullStopped,
            Long started,
            Long stopped) {
        return new AgentTask(
                arn,
                cluster,
                taskDefinitionArn,
                containerInstanceArn,
                desiredStatus,
                last,
                newContainers,
                stopCode,
                stoppedReason,
                pullStarted,
                pullStopped,
                started,
                stoppingAt,
                stopped,
                taskDefinition,
                version,
                launch);
    }

    /** This task wanted STOPPED for {@code code} and {@code reason}, unless it already has a stop code and reason. */
    public AgentTask stoppedBy(StopCode code, String reason) {
        return new AgentTask(
                arn,
                cluster,
                taskDefinitionArn,
                containerInstanceArn,
                DesiredStatus.STOPPED,
                lastStatus,
                containers,
                stopCode == null ? code : stopCode,
                stoppedReason == null ? reason : stoppedReason,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                taskDefinition,
                version,
                launch);
    }

    /** This task as read at {@code newVersion}. */
    public AgentTask atVersion(long newVersion) {
        return new AgentTask(
                arn,
                cluster,
                taskDefinitionArn,
                containerInstanceArn,
                desiredStatus,
                lastStatus,
                containers,
                stopCode,
                stoppedReason,
                pullStartedAt,
                pullStoppedAt,
                startedAt,
                stoppingAt,
                stoppedAt,
                taskDefinition,
                newVersion,
                launch);
    }

    public boolean isStopped() {
        return lastStatus == TaskStatus.STOPPED;
    }
}
