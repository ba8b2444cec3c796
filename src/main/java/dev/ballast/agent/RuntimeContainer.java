package dev.ballast.agent;

import java.util.Objects;

/**
 * A container a runtime runs for some container instance, as found by its labels.
 *
 * @param runtimeId the runtime's id for it
 * @param taskArn the task it was started for
 * @param running true while it runs (false once it exited, or while merely created)
 */
public record RuntimeContainer(String runtimeId, String taskArn, boolean running) {
    public RuntimeContainer {
        Objects.requireNonNull(runtimeId, "runtimeId");
        Objects.requireNonNull(taskArn, "taskArn");
    }
}
