package dev.ballast.agent;

import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.TaskStatus;

/**
 * The one mapping between the agent's internal lifecycle states ({@link TaskState}, {@link ContainerState})
 * and the model's ECS statuses ({@link TaskStatus}, {@link DesiredStatus}, {@link ContainerStatus}); the
 * wire strings themselves live in the model.
 */
final class EcsStatus {

    private EcsStatus() {}

    static TaskStatus taskStatus(TaskState state) {
        return switch (state) {
            case PROVISIONING -> TaskStatus.PROVISIONING;
            case PULLING -> TaskStatus.PENDING;
            case RUNNING -> TaskStatus.RUNNING;
            case STOPPING -> TaskStatus.STOPPING;
            case STOPPED -> TaskStatus.STOPPED;
        };
    }

    static TaskStatus lastStatus(TaskState state) {
        return taskStatus(state);
    }

    /** The internal state of a task whose {@code lastStatus} is {@code status}. */
    static TaskState taskState(TaskStatus status) {
        return switch (status) {
            case PROVISIONING -> TaskState.PROVISIONING;
            case PENDING, ACTIVATING -> TaskState.PULLING;
            case RUNNING -> TaskState.RUNNING;
            case DEACTIVATING, STOPPING, DEPROVISIONING -> TaskState.STOPPING;
            case STOPPED -> TaskState.STOPPED;
        };
    }

    /** The state the scheduler wants, from {@code desiredStatus} (RUNNING, PENDING or STOPPED). */
    static TaskState desired(DesiredStatus desiredStatus) {
        return switch (desiredStatus) {
            case PENDING, RUNNING -> TaskState.RUNNING;
            case STOPPED -> TaskState.STOPPED;
        };
    }

    static ContainerStatus containerStatus(ContainerState state) {
        return switch (state) {
            case PENDING, PULLED -> ContainerStatus.PENDING;
            case RUNNING -> ContainerStatus.RUNNING;
            case STOPPED -> ContainerStatus.STOPPED;
        };
    }

    static ContainerStatus lastStatus(ContainerState state) {
        return containerStatus(state);
    }

    /** The internal state of a container whose {@code lastStatus} is given and whose image is or is not local. */
    static ContainerState containerState(ContainerStatus lastStatus, boolean pulled) {
        return switch (lastStatus) {
            case PENDING -> pulled ? ContainerState.PULLED : ContainerState.PENDING;
            case RUNNING -> ContainerState.RUNNING;
            case STOPPED -> ContainerState.STOPPED;
        };
    }
}
