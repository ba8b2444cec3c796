package dev.ballast.agent;

import java.util.List;
import java.util.Optional;

/**
 * Where an {@link Agent} reads the tasks placed on its instance and writes what it observed. The embedded
 * agent's source works on the server's store (an adapter outside this package, which knows no database); a
 * remote agent's works on the tasks its last {@code PollTasks} returned and reports through
 * {@code SubmitTaskStateChange} (see {@code dev.ballast.agent.remote}). Writes are compare-and-set against the
 * version a task was read at: {@link #update} answers false when the task moved on (or the server refused the
 * report), and the agent re-reads.
 */
public interface AgentTasks {

    /** The instance's tasks that are not yet STOPPED, oldest first. */
    List<AgentTask> forInstance(String instanceArn);

    /** One task as last known, or empty when it is gone (stopped elsewhere, or not this instance's). */
    Optional<AgentTask> find(String taskArn);

    /** Writes the agent's view of the task if it is still at {@code task.version()}. */
    boolean update(AgentTask task);
}
