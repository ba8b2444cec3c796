package dev.ballast.agent;

import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
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

    /** The row as written, or empty when the change no longer applied (or the task is gone). */
    Optional<TaskRow> apply(Versioned<TaskRow> read, Function<TaskRow, Optional<TaskRow>> change) {
        Versioned<TaskRow> current = read;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<TaskRow> next = change.apply(current.value());
            if (next.isEmpty()) {
                return Optional.empty();
            }
            if (tasks.update(next.get(), current.version())) {
                return next;
            }
            Optional<Versioned<TaskRow>> fresh = tasks.find(read.value().arn());
            if (fresh.isEmpty()) {
                return Optional.empty();
            }
            current = fresh.get();
        }
        throw new IllegalStateException("update task " + read.value().arn() + ": still conflicting after "
                + MAX_ATTEMPTS + " attempts");
    }

    /** A change that applies only while the task's known state is {@code expected}. */
    static Function<TaskRow, Optional<TaskRow>> when(TaskState expected, Function<TaskRow, TaskRow> change) {
        return row -> EcsStatus.taskState(row.lastStatus()) == expected ? Optional.of(change.apply(row)) : Optional.empty();
    }
}
