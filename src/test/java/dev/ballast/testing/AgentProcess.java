package dev.ballast.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar's {@code ballast agent} subcommand as a separate OS process (simulated runtime by
 * default), so tests can {@code kill -9} an agent and start it again on the same state directory.
 */
public final class AgentProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code ballast agent --endpoint … --cluster … --instance-state-dir …} plus {@code args}. */
    public static AgentProcess start(URI endpoint, String cluster, Path stateDir, String... args) throws IOException {
        return start(endpoint, cluster, stateDir, Map.of(), args);
    }

    /** As {@link #start(URI, String, Path, String...)}, with extra environment (e.g. {@code DOCKER_HOST}). */
    public static AgentProcess start(
            URI endpoint, String cluster, Path stateDir, Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xmx128m",
                "-jar",
                ServerProcess.jar().toString(),
                "agent",
                "--endpoint",
                endpoint.toString(),
                "--cluster",
                cluster,
                "--instance-state-dir",
                stateDir.toString()));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("ballast-agent-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        pb.environment().putAll(env);
        return new AgentProcess(pb.start(), log);
    }

    /** Waits for the agent to exit by itself; its exit code, or empty while it still runs after {@code timeout}. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                ? OptionalInt.of(process.exitValue())
                : OptionalInt.empty();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGSTOP: the agent freezes mid-whatever, as if partitioned from the server. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause()}: the agent carries on from where it froze. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        Processes.run(Duration.ofSeconds(10), List.of("kill", "-" + name, String.valueOf(process.pid())));
    }

    /** SIGKILL: the agent stops heartbeating without a word. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                resume(); // a paused process cannot act on SIGTERM
            } catch (RuntimeException | AssertionError e) {
                // it exited meanwhile
            }
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
