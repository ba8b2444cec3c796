package dev.ballast.agent.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.ExecCreateCmdResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import dev.ballast.agent.CheckResult;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Container health checks run by exec through the Engine API (create, start attached, inspect for the exit
 * code), because Podman's Docker-compatible service cannot run an image's or container's own health checks
 * without systemd. The command's output is read and dropped (it may hold anything; it is never logged). A check
 * that outlives its timeout is a failure; its process is left to finish in the container (the Engine API
 * has no call to kill an exec).
 */
final class EngineHealthChecks {
    private final DockerClient docker;

    EngineHealthChecks(DockerClient docker) {
        this.docker = docker;
    }

    private boolean running(String runtimeId) {
        try {
            return Boolean.TRUE.equals(
                    docker.inspectContainerCmd(runtimeId).exec().getState().getRunning());
        } catch (NotFoundException e) {
            return false;
        }
    }

    CheckResult run(String runtimeId, List<String> command, Duration timeout) {
        ExecCreateCmdResponse exec;
        try {
            exec = docker.execCreateCmd(runtimeId)
                    .withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec();
        } catch (NotFoundException | ConflictException e) {
            return new CheckResult.NotRunning(); // gone, or not running (Docker answers 409)
        } catch (DockerException e) {
            if (!running(runtimeId)) {
                return new CheckResult.NotRunning(); // Podman answers 500 "container state improper"
            }
            throw e;
        }
        try (ResultCallback.Adapter<Frame> output = new ResultCallback.Adapter<>()) {
            try {
                docker.execStartCmd(exec.getId()).exec(output);
            } catch (NotFoundException | ConflictException e) {
                return new CheckResult.NotRunning();
            }
            if (!output.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return new CheckResult.TimedOut();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CheckResult.Failed("interrupted");
        } catch (IOException e) {
            // closing the output stream failed: the result below still stands
        }
        Long code = docker.inspectExecCmd(exec.getId()).exec().getExitCodeLong();
        if (code == null) {
            return new CheckResult.Failed("the engine reported no exit code");
        }
        return code == 0 ? new CheckResult.Passed() : new CheckResult.Failed("exit code " + code);
    }
}
