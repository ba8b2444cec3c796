package dev.ballast.agent;

/**
 * How a container ended.
 *
 * @param exitCode the process exit code (for a simulated clean stop, 0)
 * @param reason why it ended when the runtime knows more than the code (OOM kill, …), or null
 */
public record ExitStatus(int exitCode, String reason) {}
