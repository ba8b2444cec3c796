package dev.ballast.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code target/ballast.jar}, built by {@code mvn package} before failsafe runs) as
 * a separate OS process, so tests can kill it for real.
 */
public final class ServerProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    public static Path jar() {
        Path jar = Path.of(System.getProperty("ballast.jar", "target/ballast.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(
                    "packaged server not found at " + jar.toAbsolutePath() + " (run mvn package)");
        }
        return jar;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    /** Starts {@code ballast server} with the given extra arguments and waits until /readyz answers (start-up finished: embedded cluster and instances exist). */
    public static ServerProcess start(int port, String... args) throws IOException, InterruptedException {
        return start(port, Map.of(), args);
    }

    /** As {@link #start(int, String...)}, with extra environment (e.g. {@code ballast.log.level}, read by logback). */
    public static ServerProcess start(int port, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-Xmx192m",
                "-Dballast.fence.strict=true", // a fenced write outside a transaction fails (FencingTransactions)
                "-jar",
                jar().toString(),
                "server",
                "--port",
                Integer.toString(port)));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("ballast-server-", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        ServerProcess sp = new ServerProcess(p, port, log);
        sp.awaitHealthy(Duration.ofSeconds(90)); // normally ~1.5 s; generous for a loaded machine
        return sp;
    }

    /** How a process that was expected to exit ended. */
    public record Exited(int code, String log) {}

    /**
     * Runs {@code ballast server --port port} plus {@code args} expecting it to exit by itself (a start-up failure);
     * fails when it still runs after {@code timeout}.
     */
    public static Exited runToExit(int port, Duration timeout, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC",
                "-Xmx192m",
                "-Dballast.fence.strict=true", // a fenced write outside a transaction fails (FencingTransactions)
                "-jar",
                jar().toString(),
                "server",
                "--port",
                Integer.toString(port)));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile("ballast-server-", ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("server still running after " + timeout + ":\n" + Files.readString(log));
        }
        return new Exited(p.exitValue(), Files.readString(log));
    }

    private void awaitHealthy(Duration timeout) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "server exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(20);
        }
        threadDump();
        close();
        throw new IllegalStateException("server not healthy after " + timeout + ":\n" + Files.readString(log));
    }

    /** The server's process (for its CPU time). */
    public ProcessHandle handle() {
        return process.toHandle();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /**
     * The value of the first sample of metric {@code name} (Prometheus form, e.g. {@code ballast_controller_shards})
     * on this server's /metrics; fails when the server does not answer or has no such metric.
     */
    public double metric(String name) {
        String body;
        try {
            body = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(endpoint().resolve("/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new IllegalStateException("GET /metrics of " + endpoint() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return body.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no " + name + " in /metrics of " + endpoint()));
    }

    public String log() throws IOException {
        return Files.readString(log);
    }

    /**
     * SIGSTOP: every thread of the server freezes where it is (open connections and transactions stay open, its
     * clock runs on) until {@link #resume()}. The JDK has no API for it, so this runs {@code kill -STOP}.
     */
    public void pause() {
        Processes.run("kill", "-STOP", Long.toString(process.pid()));
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        Processes.run("kill", "-CONT", Long.toString(process.pid()));
    }

    /** SIGQUIT: the JVM prints every thread's stack to its output (this server's log), to show where it hangs. */
    private void threadDump() throws InterruptedException {
        if (process.isAlive()) {
            try {
                Processes.run("kill", "-QUIT", Long.toString(process.pid()));
                Thread.sleep(1_000);
            } catch (AssertionError exitedMeanwhile) {
                // nothing to dump
            }
        }
    }

    /** SIGKILL: no shutdown hooks, no flushing. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                resume(); // a paused server would not act on SIGTERM
            } catch (AssertionError exitedMeanwhile) {
                // nothing left to resume
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
