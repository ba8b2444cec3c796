package dev.ballast.agent;

import java.util.Optional;
import java.util.function.Function;

/**
 * Compare-and-set writes of one task: apply a change to the row as read and write it if nobody wrote
 * meanwhile; on a conflict re-read and apply the change again to the fresh row. A change returns empty
 * when, on the fresh row, it no longer applies.
 */
final class TaskWrites {

    private static final int MAX_ATTEMPTS = 20;

    private final AgentTasks tasks;

    TaskWrites(AgentTasks tasks) {
        this.tasks = tasks;
    }

    /** The task as written (at the version it was read at), or empty when the change no longer applied (or the task is gone). */
    Optional<AgentTask> apply(AgentTask read, Function<AgentTask, Optional<AgentTask>> change) {
        AgentTask current = read;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<AgentTask> next = change.apply(current);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            if (next.get().version() == current.version() && tasks.update(next.get())) {
                return next;
            }
            Optional<AgentTask> fresh = tasks.find(read.arn());
            if (fresh.isEmpty()) {
                return Optional.empty();
            }
            current = fresh.get();
        }
        throw new IllegalStateException("update task " + read.arn() + ": still conflicting after "
                + MAX_ATTEMPTS + " attempts");
    }

    /** A change that applies only while the task's known state is {@code expected}. */
    static Function<AgentTask, Optional<AgentTask>> when(TaskState expected, Function<AgentTask, AgentTask> change) {
        return row -> EcsStatus.taskState(row.lastStatus()) == expected ? Optional.of(change.apply(row)) : Optional.empty();
    }
}
