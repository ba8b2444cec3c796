package dev.ballast.agent;

import dev.ballast.core.CompareAndSet;
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
        boolean[] first = {true};
        try {
            // the first attempt uses the task as the caller read it; a lost race reads it again
            return CompareAndSet.update(
                    () -> first[0] ? Optional.of(read) : tasks.find(read.arn()),
                    current -> {
                        first[0] = false;
                        return change.apply(current);
                    },
                    (current, next) -> next.version() == current.version() && tasks.update(next),
                    MAX_ATTEMPTS);
        } catch (CompareAndSet.ConflictException e) {
            throw new IllegalStateException("update task " + read.arn() + ": " + e.getMessage(), e);
        }
    }

    /** A change that applies only while the task's known state is {@code expected}. */
    static Function<AgentTask, Optional<AgentTask>> when(TaskState expected, Function<AgentTask, AgentTask> change) {
        return row ->
                EcsStatus.taskState(row.lastStatus()) == expected ? Optional.of(change.apply(row)) : Optional.empty();
    }
}
