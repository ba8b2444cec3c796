package dev.ballast.agent;

import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRows;
import dev.ballast.store.Versioned;
import java.util.List;
import java.util.Optional;

/**
 * Where an {@link Agent} reads the tasks placed on its instance and writes what it observed. The embedded
 * agent works on the store directly ({@link #of(TaskRows)}); a remote agent works on the tasks its last
 * {@code PollTasks} returned and reports through {@code SubmitTaskStateChange}. Writes are compare-and-set
 * against the version read: {@link #update} answers false when the task moved on (or the server refused the
 * report), and the agent re-reads.
 */
public interface AgentTasks {

    /** The instance's tasks that are not yet STOPPED, oldest first. */
    List<Versioned<TaskRow>> forInstance(String instanceArn);

    /** One task as last known, or empty when it is gone (stopped elsewhere, or not this instance's). */
    Optional<Versioned<TaskRow>> find(String taskArn);

    /** Writes the agent's view of the task if it is still at {@code version}. */
    boolean update(TaskRow task, long version);

    /** The task definition document (JSON) of a task, when this source knows it (stop timeouts, container specs). */
    default Optional<String> taskDefinitionDoc(String taskDefinitionArn) {
        return Optional.empty();
    }

    /** The store, for agents embedded in the server: task rows and task definitions. */
    static AgentTasks of(dev.ballast.store.Store store) {
        return of(store.tasks(), arn -> store.taskDefinitions().findByArn(arn).map(dev.ballast.store.TaskDefinitionRecord::doc));
    }

    /** The store's task rows only. */
    static AgentTasks of(TaskRows rows) {
        return of(rows, arn -> Optional.empty());
    }

    private static AgentTasks of(TaskRows rows, java.util.function.Function<String, Optional<String>> taskDefinitions) {
        return new AgentTasks() {
            @Override
            public List<Versioned<TaskRow>> forInstance(String instanceArn) {
                return rows.forInstance(instanceArn);
            }

            @Override
            public Optional<Versioned<TaskRow>> find(String taskArn) {
                return rows.find(taskArn);
            }

            @Override
            public boolean update(TaskRow task, long version) {
                return rows.update(task, version);
            }

            @Override
            public Optional<String> taskDefinitionDoc(String taskDefinitionArn) {
                return taskDefinitions.apply(taskDefinitionArn);
            }
        };
    }
}
