package dev.ballast.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 10 figures: what idle remote agents cost a server on PostgreSQL — process CPU time per agent per minute
 * and database work per agent per heartbeat interval — for two server jars side by side (before and after
 * change notifications). Each jar runs twice on a fresh database, with no agents and with AGENTS agents that
 * long-poll an idle cluster for SECONDS; the agents' cost is the difference. Database work is counted by
 * PostgreSQL itself ({@code pg_stat_database.xact_commit}: every autocommit statement is a transaction), the
 * same instrument for both jars; the after-jar's {@code ballast_db_queries_total} is printed too.
 *
 * <p>Usage: {@code IdleAgentsBenchmark BEFORE_JAR AFTER_JAR [AGENTS [SECONDS]]} (bench/idle-agents).
 */
public final class IdleAgentsBenchmark {
    private IdleAgentsBenchmark() {}

    /** One run's figures. */
    record Run(double cpuSeconds, long transactions, long queries, double seconds) {}

    public static void main(String[] args) throws Exception {
        Path before = Path.of(args[0]);
        Path after = Path.of(args[1]);
        int agents = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        int seconds = args.length > 3 ? Integer.parseInt(args[3]) : 60;
        int interval = 10; // the default --agent-disconnect-after of 30 s: polls wait (and agents beat) every 10 s
        List<String> lines = new ArrayList<>();
        for (Path jar : List.of(before, after)) {
            Run idle = run(jar, 0, seconds);
            Run busy = run(jar, agents, seconds);
            double cpuPerAgentMinute = (busy.cpuSeconds() - idle.cpuSeconds()) / agents / (seconds / 60.0);
            double intervals = seconds / (double) interval;
            double xactPerAgentInterval = (busy.transactions() - idle.transactions()) / (double) agents / intervals;
            String queries = busy.queries() < 0
                    ? "n/a"
                    : String.format(
                            Locale.ROOT, "%.3f", (busy.queries() - idle.queries()) / (double) agents / intervals);
            String line = String.format(
                    Locale.ROOT,
                    "%s: server CPU %.1f s with %d agents, %.1f s without, over %d s -> %.4f CPU-s"
                            + " per idle agent per minute; transactions %d vs %d -> %.3f per agent per %d-s heartbeat interval;"
                            + " ballast_db_queries_total per agent per interval: %s",
                    jar,
                    busy.cpuSeconds(),
                    agents,
                    idle.cpuSeconds(),
                    seconds,
                    cpuPerAgentMinute,
                    busy.transactions(),
                    idle.transactions(),
                    xactPerAgentInterval,
                    interval,
                    queries);
            System.out.println(line);
            lines.add(line);
        }
        System.out.println("---");
        lines.forEach(System.out::println);
        System.exit(0);
    }

    private static Run run(Path jar, int agents, int seconds) throws Exception {
        String db = PostgresFixture.newDatabase();
        System.setProperty("ballast.jar", jar.toString());
        try (ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--data-dir",
                        Files.createTempDirectory("ballast-idle-").toString(),
                        "--store",
                        db,
                        "--simulated-instances",
                        "0",
                        "--runtime",
                        "simulated");
                ExecutorService loops = Executors.newVirtualThreadPerTaskExecutor()) {
            RawClient raw = new RawClient(server.endpoint(), "test", "test", "us-east-1");
            ok(raw.call("CreateCluster", "{\"clusterName\": \"idle\"}"));
            List<String> instances = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                instances.add(ok(raw.call("RegisterContainerInstance", """
                        {"cluster": "idle", "totalResources": [{"name": "CPU", "type": "INTEGER", "integerValue": 1024},
                          {"name": "MEMORY", "type": "INTEGER", "integerValue": 2048}],
                         "versionInfo": {"agentVersion": "idle-bench 1.0"}}"""))
                        .path("containerInstance")
                        .path("containerInstanceArn")
                        .asText());
            }
            for (String arn : instances) {
                poll(raw, arn, 0); // warm-up: each agent's first poll
            }
            AtomicBoolean running = new AtomicBoolean(true);
            for (String arn : instances) {
                loops.submit(() -> {
                    while (running.get()) {
                        try {
                            poll(raw, arn, 20); // the server caps the wait at its heartbeat interval
                        } catch (RuntimeException e) {
                            return;
                        }
                    }
                });
            }
            Thread.sleep(2_000); // every loop is in its first long poll
            long tx0 = transactions(db);
            long q0 = queries(raw);
            double cpu0 = cpuSeconds(server.handle());
            long t0 = System.nanoTime();
            Thread.sleep(Duration.ofSeconds(seconds));
            double cpu1 = cpuSeconds(server.handle());
            long q1 = queries(raw);
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(1_500); // PostgreSQL publishes backends' counters at most once a second
            long tx1 = transactions(db);
            running.set(false);
            return new Run(cpu1 - cpu0, tx1 - tx0, q0 < 0 ? -1 : q1 - q0, elapsed);
        }
    }

    private static JsonNode ok(RawClient.Response r) {
        if (r.status() != 200) {
            throw new IllegalStateException("server answered " + r);
        }
        return r.json();
    }

    private static void poll(RawClient raw, String arn, int wait) {
        ok(raw.request("""
                {"cluster": "idle", "containerInstance": "%s", "waitSeconds": %d}""".formatted(arn, wait))
                .target("BallastAgent_20261128.PollTasks")
                .send());
    }

    private static double cpuSeconds(ProcessHandle p) {
        return p.info()
                        .totalCpuDuration()
                        .orElseThrow(() -> new IllegalStateException("no CPU time for " + p.pid()))
                        .toNanos()
                / 1e9;
    }

    /** Committed transactions in the server's database (PostgreSQL's own count). */
    private static long transactions(String db) throws Exception {
        try (Connection c = DriverManager.getConnection(db);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server's {@code ballast_db_queries_total}, or -1 when it has none (before the metric existed). */
    private static long queries(RawClient raw) {
        for (String line : raw.get("/metrics").text().split("\n")) {
            if (line.startsWith("ballast_db_queries_total")) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
