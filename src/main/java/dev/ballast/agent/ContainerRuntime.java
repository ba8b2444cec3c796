package dev.ballast.agent;

import dev.ballast.model.ContainerError;
import dev.ballast.registry.Credential;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one port between an {@link Agent} and whatever runs containers on its host: the simulated runtime
 * (fetches and verifies images, runs nothing) or a container engine. The agent owns the lifecycle and
 * the store; a runtime only performs actions and reports what it observed. Implementations are
 * thread-safe: the agent pulls for several tasks at once.
 */
public interface ContainerRuntime {

    /** Short name published in logs, metrics and the {@code ballast.runtime} attribute, e.g. {@code simulated}. */
    String name();

    /** One line for the start-up log saying what this runtime really does with containers. */
    String description();

    /** Attributes the container instance publishes (ECS {@code Attribute} name → value). */
    Map<String, String> attributes();

    /**
     * Makes the image available locally and returns the digest actually fetched. {@code launchImage} is a
     * task container's launch image: {@code repo:tag@sha256:…} when pinned (fetched by digest and verified),
     * the string as written otherwise (fetched by tag). Concurrent pulls of the same image may share work.
     *
     * @param credentials credentials for the image's registry, or empty for the runtime's own configuration
     * @throws PullFailedException when the image cannot be fetched or does not verify
     */
    PullResult pull(String launchImage, Optional<Credential> credentials);

    /**
     * Creates and starts {@code container} of {@code task} from its pulled image; returns the runtime's id
     * for it. Idempotent per container ARN: when the runtime already has a container for it (for example
     * after an agent restart) it returns that container's id instead of launching another.
     *
     * @throws StartFailedException when the engine refuses to create or start it (retrying would not help);
     *     any other exception is taken as transient and the start is tried again on the next pass
     */
    String start(AgentTask task, AgentContainer container);

    /**
     * The address of the network namespace an awsvpc task's containers share (the task carries its
     * {@link AgentTask#eni()}, naming the network), read from the runtime through its running container
     * {@code runtimeId}; empty while the runtime cannot tell (the agent asks again on a later pass), and for a
     * runtime that gives tasks no namespace of their own. {@link #start} puts every container of such a task in
     * that one namespace: they reach each other on {@code localhost}, and no two tasks share it.
     */
    default Optional<NetworkAddress> address(AgentTask task, String runtimeId) {
        return Optional.empty();
    }

    /**
     * As {@link #start(AgentTask, AgentContainer)}, with {@code secrets} (the container's resolved {@code secrets})
     * added to the container's environment at creation. A runtime that cannot inject them refuses a container that
     * has any rather than start it without them. Implementations never log or report the values.
     */
    default String start(AgentTask task, AgentContainer container, SecretEnvironment secrets) {
        if (!secrets.isEmpty()) {
            throw new StartFailedException(
                    ContainerError.CANNOT_CREATE_CONTAINER.wire(),
                    "runtime " + name() + " cannot put secrets " + secrets.names() + " into container "
                            + container.name() + "'s environment",
                    null);
        }
        return start(task, container);
    }

    /** Stops the container, asking it to exit and killing it after {@code timeout}; a no-op when it has exited. */
    void stop(String runtimeId, Duration timeout);

    /**
     * How many tasks an agent may work on at once in one pass (start and stop containers of): 1 for a
     * runtime whose actions are in-memory, more for one that waits on an engine for each.
     */
    default int concurrentTaskSteps() {
        return 1;
    }

    /** How the container exited, or empty while it runs. */
    Optional<ExitStatus> status(String runtimeId);

    /**
     * The containers this runtime started for tasks of {@code instanceArn}, running or not (a container engine
     * finds them by label, also after an agent restart). Empty for a runtime that keeps nothing beyond its
     * process.
     */
    default List<RuntimeContainer> containersOf(String instanceArn) {
        return List.of();
    }

    /**
     * Stops the container within the stop timeout it was started with, then removes it; a no-op when it is
     * gone. For containers of tasks the server no longer assigns to this instance (see {@link Agent#removeOrphans}).
     */
    default void remove(String runtimeId) {
        stop(runtimeId, Agent.DEFAULT_STOP_TIMEOUT);
    }

    /**
     * Runs a container health check: {@code command} in the running container, waiting at most {@code timeout}
     * for it to exit (ECS {@code HealthCheck}, see {@link HealthCheck}). Called from the agent's health checkers,
     * never from a pass. A runtime that cannot run commands answers {@link CheckResult.Unsupported}.
     */
    default CheckResult runCheck(String runtimeId, List<String> command, Duration timeout) {
        return new CheckResult.Unsupported();
    }
}
