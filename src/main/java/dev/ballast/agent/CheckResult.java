package dev.ballast.agent;

/** The outcome of running one health-check command in a container ({@link ContainerRuntime#runCheck}). */
public sealed interface CheckResult {
    /** The command exited with 0. */
    record Passed() implements CheckResult {}

    /** The command exited with another code, or could not be run in the running container. */
    record Failed(String why) implements CheckResult {}

    /** The command did not finish within the check's timeout: a failure. */
    record TimedOut() implements CheckResult {}

    /** The container is not running (exited or gone): there is nothing left to check. */
    record NotRunning() implements CheckResult {}

    /** This runtime cannot run commands in containers: the container's health stays UNKNOWN. */
    record Unsupported() implements CheckResult {}
}
