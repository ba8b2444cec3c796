package dev.ballast.bench;

import dev.ballast.testing.ServerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * One server replica for the multi-replica benchmarks: the packaged jar as its own OS process with the JVM
 * options the launcher ({@code ./ballast}) uses — read from the system property {@code ballast.java.opts}, which
 * the bench scripts take from the launcher — so its RSS, CPU time and a {@code kill -9} are the real ones.
 */
final class Replica implements AutoCloseable {
    /** The launcher's default options, used when the script passes none. */
    static final String LAUNCHER_DEFAULT = "-XX:+UseSerialGC -Xmx192m -Xss512k -XX:TieredStopAtLevel=4";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String node;
    private final Process process;
    private final int port;
    private final Path log;

    private Replica(String node, Process process, int port, Path log) {
        this.node = node;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** The JVM options every replica runs with. */
    static List<String> jvmOptions() {
        String opts = System.getProperty("ballast.java.opts", LAUNCHER_DEFAULT).trim();
        return opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+"));
    }

    /**
     * Starts {@code ballast server} on a free port against {@code store} as replica {@code node} with {@code instances}
     * simulated container instances, plus {@code extra} arguments, and waits until it answers /readyz.
     */
    static Replica start(String store, String node, int instances, String... extra)
            throws IOException, InterruptedException {
        int port = ServerProcess.freePort();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions());
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "-Dballast.log.level=WARN",
                "-jar",
                ServerProcess.jar().toString(),
                "server",
                "--port",
                Integer.toString(port),
                "--data-dir",
                Files.createTempDirectory("ballast-bench-" + node + "-").toString(),
                "--store",
                store,
                "--node-name",
                node,
                "--simulated-instances",
                Integer.toString(instances),
                "--runtime",
                "simulated"));
        cmd.addAll(List.of(extra));
        Path log = Files.createTempFile("ballast-bench-" + node + "-", ".log");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        // a benchmark stopped early (bench/run's time bound) takes its replicas with it
        Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
        Replica r = new Replica(node, p, port, log);
        r.awaitReady(Duration.ofSeconds(90));
        return r;
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        node + " exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            try {
                if (HTTP.send(
                                        HttpRequest.newBuilder(endpoint().resolve("/readyz"))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode()
                        == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        close();
        throw new IllegalStateException(node + " not ready after " + timeout + ":\n" + Files.readString(log));
    }

    String node() {
        return node;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** VmRSS and VmHWM (peak) of the process in MiB, from {@code /proc/<pid>/status}. */
    Memory memory() throws IOException {
        long rss = -1;
        long hwm = -1;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            }
        }
        return new Memory(rss / 1024.0, hwm / 1024.0);
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** Resident and peak resident memory, MiB. */
    record Memory(double rssMib, double hwmMib) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "VmRSS %.0f MiB, VmHWM %.0f MiB", rssMib, hwmMib);
        }
    }

    /** CPU seconds the process has used. */
    double cpuSeconds() {
        return process.toHandle()
                        .info()
                        .totalCpuDuration()
                        .map(Duration::toNanos)
                        .orElse(-1L)
                / 1e9;
    }

    /** The sum of every sample of metric {@code name} (all label sets) on /metrics, 0 when there is none. */
    double metric(String name) throws IOException, InterruptedException {
        String body = HTTP.send(
                        HttpRequest.newBuilder(endpoint().resolve("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        double sum = 0;
        for (String line : body.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** The first {@code lines} lines of {@code jcmd <pid> GC.class_histogram} (live objects, after a full GC). */
    String histogram(int lines) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), "GC.class_histogram")
                .redirectErrorStream(true)
                .start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor(60, TimeUnit.SECONDS);
        return String.join("\n", out.subList(0, Math.min(lines, out.size())));
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** SIGKILL: no shutdown hooks, leases left as they are. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
