package dev.ballast.agent;

import dev.ballast.model.ContainerError;
import dev.ballast.model.StopCode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One launch pass over a task whose images are pulled: record the digests, notice the containers that exited,
 * and start every container whose {@code dependsOn} is met (a container started in this pass may let another
 * start in the same pass). Acts on the runtime only; the {@link Agent} writes the result.
 *
 * <p>A container whose dependency can never be met does not start: if it is essential the task must stop
 * ({@code TaskFailedToStart}); if not, it is STOPPED with the reason and the task goes on (as in ECS, a
 * non-essential container's fate does not stop the task). An essential container that exited stops the task
 * ({@code EssentialContainerExited}). A runtime that fails to start a container leaves it PENDING for the
 * next pass.
 */
final class LaunchPass {
    private static final Logger LOG = LoggerFactory.getLogger(LaunchPass.class);

    /**
     * What the pass observed and did.
     *
     * @param containers the task's containers as they are now, by name, in task order
     * @param started the containers this pass started
     * @param stopCode the stop code when the task must stop, else null
     * @param stopReason the stopped reason with {@code stopCode}
     */
    record Result(
            Map<String, AgentContainer> containers,
            List<AgentContainer> started,
            StopCode stopCode,
            String stopReason) {
        /** True when every essential container has started (it may have exited since). */
        boolean essentialsStarted() {
            return containers.values().stream()
                    .filter(AgentContainer::essential)
                    .allMatch(c -> c.runtimeId() != null);
        }
    }

    private LaunchPass() {}

    static Result run(
            AgentTask task,
            Map<String, PullResult> pulled,
            Dependencies deps,
            ContainerRuntime runtime,
            ContainerSecrets secrets) {
        Map<String, AgentContainer> current = new LinkedHashMap<>();
        boolean essentialExited = false;
        for (AgentContainer c : task.containers()) {
            AgentContainer row = c;
            PullResult image = pulled.get(c.name());
            if (image != null && row.imageDigest() == null) {
                row = row.with(
                        row.lastStatus(), image.digest().toString(), row.exitCode(), row.reason(), row.runtimeId());
            }
            if (row.runtimeId() != null && EcsStatus.containerState(row.lastStatus(), true) == ContainerState.RUNNING) {
                Optional<ExitStatus> exit = runtime.status(row.runtimeId());
                if (exit.isPresent()) {
                    row = stopped(row, exit.get().exitCode(), exit.get().reason());
                    essentialExited |= row.essential();
                }
            }
            current.put(c.name(), row);
        }
        if (essentialExited) {
            return new Result(current, List.of(), Agent.ESSENTIAL_EXITED, Agent.ESSENTIAL_EXITED_REASON);
        }
        List<AgentContainer> started = new ArrayList<>();
        Set<String> unstartable = new HashSet<>();
        for (boolean more = true; more; ) {
            more = false;
            for (AgentContainer c : List.copyOf(current.values())) {
                if (EcsStatus.containerState(c.lastStatus(), c.imageDigest() != null) != ContainerState.PULLED
                        || unstartable.contains(c.name())) {
                    continue;
                }
                switch (deps.check(c.name(), current)) {
                    case Dependencies.Verdict.Ready r -> {
                        Optional<String> id;
                        try {
                            id = start(runtime, task, c, secrets);
                        } catch (StartFailedException e) {
                            String reason = e.reason();
                            current.put(c.name(), stopped(c, null, reason));
                            if (c.essential()) {
                                return new Result(current, started, Agent.START_FAILED, reason);
                            }
                            more = true; // its dependents may now never start either
                            continue;
                        }
                        if (id.isEmpty()) {
                            unstartable.add(c.name());
                            continue;
                        }
                        AgentContainer running = c.with(
                                EcsStatus.lastStatus(ContainerState.RUNNING), c.imageDigest(), null, null, id.get());
                        current.put(c.name(), running);
                        started.add(running);
                        more = true;
                    }
                    case Dependencies.Verdict.Wait w -> {}
                    case Dependencies.Verdict.Never n -> {
                        String reason = ContainerError.DEPENDENCY_CONDITION_NOT_MET.reason(n.reason());
                        if (c.essential()) {
                            current.put(
                                    c.name(),
                                    c.with(c.lastStatus(), c.imageDigest(), c.exitCode(), reason, c.runtimeId()));
                            return new Result(current, started, Agent.DEPENDENCY_FAILED, reason);
                        }
                        current.put(c.name(), stopped(c, null, reason));
                        more = true; // its own dependents can now never start either
                    }
                }
            }
        }
        return new Result(current, started, null, null);
    }

    /**
     * The runtime id of the started container, created with its secrets in its environment; empty after a failure
     * worth retrying next pass.
     */
    private static Optional<String> start(
            ContainerRuntime runtime, AgentTask task, AgentContainer c, ContainerSecrets secrets) {
        SecretEnvironment environment = switch (secrets.resolve(task, c)) {
            case ContainerSecrets.Resolved r -> r.environment();
            case ContainerSecrets.Unavailable u -> throw u.asStartFailure();
        };
        try {
            return Optional.of(runtime.start(task, c, environment));
        } catch (StartFailedException e) {
            throw e;
        } catch (RuntimeException e) {
            // left PENDING: the next pass tries again; what did change is still recorded
            LOG.warn("agent task={}: start {} failed, retrying next pass: {}", task.arn(), c.name(), e.toString());
            return Optional.empty();
        }
    }

    private static AgentContainer stopped(AgentContainer c, Integer exitCode, String reason) {
        return c.with(EcsStatus.lastStatus(ContainerState.STOPPED), c.imageDigest(), exitCode, reason, c.runtimeId());
    }
}
