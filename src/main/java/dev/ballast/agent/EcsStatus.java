package dev.ballast.agent;

/**
 * The one mapping between the agent's internal lifecycle states and the {@code lastStatus} and
 * {@code desiredStatus} strings ECS shows (API reference, "Task lifecycle": PROVISIONING, PENDING,
 * ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED).
 */
final class EcsStatus {

    private EcsStatus() {
    }

    static String lastStatus(TaskState state) {
        return switch (state) {
            case PROVISIONING -> "PROVISIONING";
            case PULLING -> "PENDING";
            case RUNNING -> "RUNNING";
            case STOPPING -> "STOPPING";
            case STOPPED -> "STOPPED";
        };
    }

    /** The internal state of a task whose {@code lastStatus} is {@code lastStatus}. */
    static TaskState taskState(String lastStatus) {
        return switch (lastStatus) {
            case "PROVISIONING" -> TaskState.PROVISIONING;
            case "PENDING", "ACTIVATING" -> TaskState.PULLING;
            case "RUNNING" -> TaskState.RUNNING;
            case "DEACTIVATING", "STOPPING", "DEPROVISIONING" -> TaskState.STOPPING;
            case "STOPPED" -> TaskState.STOPPED;
            default -> throw new IllegalArgumentException("unknown task lastStatus \"" + lastStatus + "\"");
        };
    }

    /** The state the scheduler wants, from {@code desiredStatus} (RUNNING, PENDING or STOPPED). */
    static TaskState desired(String desiredStatus) {
        return switch (desiredStatus) {
            case "PENDING", "RUNNING" -> TaskState.RUNNING;
            case "STOPPED" -> TaskState.STOPPED;
            default -> throw new IllegalArgumentException("unknown task desiredStatus \"" + desiredStatus + "\"");
        };
    }

    static String lastStatus(ContainerState state) {
        return switch (state) {
            case PENDING, PULLED -> "PENDING";
            case RUNNING -> "RUNNING";
            case STOPPED -> "STOPPED";
        };
    }

    /** The internal state of a container whose {@code lastStatus} is given and whose image is or is not local. */
    static ContainerState containerState(String lastStatus, boolean pulled) {
        return switch (lastStatus) {
            case "PENDING" -> pulled ? ContainerState.PULLED : ContainerState.PENDING;
            case "RUNNING" -> ContainerState.RUNNING;
            case "STOPPED" -> ContainerState.STOPPED;
            default -> throw new IllegalArgumentException("unknown container lastStatus \"" + lastStatus + "\"");
        };
    }
}
