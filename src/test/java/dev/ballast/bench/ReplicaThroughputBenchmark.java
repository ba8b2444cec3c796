package dev.ballast.bench;

import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Issue 13 figure: launch throughput with 1, 2 and 3 replicas side by side in one run. For each replica count a
 * fresh PostgreSQL database and that many server processes (the packaged jar, launcher JVM options) sharing
 * INSTANCES simulated instances of one cluster; a warm-up service of WARMUP tasks first (each JVM compiles the
 * launch path), then SERVICES services of TASKS tasks are created, the calls spread over the replicas, and the time
 * from the first CreateService until DescribeServices counts every task RUNNING is the figure (tasks per second).
 * Each replica's CPU time during the launch and its controller metrics show who did the work.
 *
 * <p>With AGENTS above 0 the tasks run instead on that many remote agents ({@code ballast agent} processes with
 * the simulated runtime, one large instance each, connected to the replicas in turn; the replicas embed none), the
 * same agents whatever the replica count, in CLUSTERS clusters (services spread over them). Placement holds a
 * per-cluster lock, so services in one cluster launch one placement at a time whichever replica reconciles them.
 *
 * <p>Usage: {@code ReplicaThroughputBenchmark [SERVICES [TASKS [INSTANCES [COUNTS [WARMUP [AGENTS [CLUSTERS]]]]]]]}
 * (defaults 30, 100, 60, 1,2,3, 300, 0, 1; bench/replicas).
 */
public final class ReplicaThroughputBenchmark {
    private ReplicaThroughputBenchmark() {}

    /** Metrics printed per replica after each launch (those a server does not have read 0). */
    private static final List<String> METRICS =
            List.of("ballast_controller_shards", "ballast_controller_services", "ballast_controller_reconciles_total");

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int perService = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int[] counts = Arrays.stream((args.length > 3 ? args[3] : "1,2,3").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 300;
        int agents = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        int clusters = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        List<String> clusterNames = clusters == 1
                ? List.of("default")
                : IntStream.rangeClosed(1, clusters).mapToObj(i -> "c" + i).toList();
        int total = services * perService;
        System.out.printf(
                "replicas: %d services x %d tasks = %d tasks on %s, %d cluster(s), replica counts %s;"
                        + " replica JVM options: %s%n",
                services,
                perService,
                total,
                agents == 0
                        ? instances + " simulated instances embedded in the replicas"
                        : agents + " remote agents (ballast agent processes, one simulated instance each)",
                clusters,
                Arrays.toString(counts),
                String.join(" ", Replica.jvmOptions()));
        List<String> rows = new ArrayList<>();
        double base = Double.NaN;
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            for (int count : counts) {
                System.out.printf("== %d replica(s)%n", count);
                List<AgentProcess> remote = new ArrayList<>();
                try (Fleet fleet = Fleet.start(
                        PostgresFixture.newDatabase(), count, agents == 0 ? instances : 0, Fleet.ROOMY_INSTANCES)) {
                    for (String c : clusterNames) {
                        fleet.client(0).createCluster(r -> r.clusterName(c));
                    }
                    for (int a = 0; a < agents; a++) {
                        remote.add(AgentProcess.start(
                                fleet.replicas().get(a % count).endpoint(),
                                clusterNames.get(a % clusters),
                                Files.createTempDirectory("ballast-bench-agent-"),
                                "--cpu",
                                "1000000",
                                "--memory",
                                "1000000",
                                "--max-concurrent-pulls",
                                "32"));
                    }
                    awaitInstances(fleet, clusterNames, agents);
                    fleet.registerTaskDefinition(registry.host() + "/bench/app:v1");
                    if (warmup > 0) {
                        List<String> warm =
                                clusterNames.stream().map(c -> c + "/warmup").toList();
                        long w0 = System.nanoTime();
                        fleet.createServices(warm, warmup / clusters);
                        double ws = fleet.awaitRunning(
                                warm, (long) warmup / clusters * clusters, warmup, w0, Duration.ofMinutes(5));
                        System.out.printf(Locale.ROOT, "  warm-up: %d tasks running in %.1f s%n", warmup, ws);
                    }
                    List<String> names = IntStream.range(0, services)
                            .mapToObj(i -> String.format(Locale.ROOT, "%s/svc-%03d", clusterNames.get(i % clusters), i))
                            .toList();
                    double[] cpu0 = cpu(fleet);
                    long t0 = System.nanoTime();
                    fleet.createServices(names, perService);
                    double created = (System.nanoTime() - t0) / 1e9;
                    double seconds = fleet.awaitRunning(names, total, 1_000, t0, Duration.ofMinutes(15));
                    double[] cpu1 = cpu(fleet);
                    double rate = total / seconds;
                    if (Double.isNaN(base)) {
                        base = rate;
                    }
                    StringBuilder cpuText = new StringBuilder();
                    for (int i = 0; i < count; i++) {
                        cpuText.append(String.format(
                                Locale.ROOT,
                                "%s%s %.1f s",
                                i == 0 ? "" : ", ",
                                fleet.replicas().get(i).node(),
                                cpu1[i] - cpu0[i]));
                    }
                    String row = String.format(
                            Locale.ROOT,
                            "replicas: %d replica(s): %d tasks RUNNING in %.1f s (created in %.1f s) = %.0f tasks/s,"
                                    + " %.2fx one replica; replica CPU during the launch: %s",
                            count,
                            total,
                            seconds,
                            created,
                            rate,
                            rate / base,
                            cpuText);
                    System.out.println(row);
                    rows.add(row);
                    for (String metric : METRICS) {
                        System.out.printf("  %s: %s%n", metric, fleet.metric(metric));
                    }
                } finally {
                    remote.forEach(AgentProcess::close);
                }
            }
        }
        System.out.println("---");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    /** Waits until each cluster lists its remote agents' instances (none to wait for with embedded instances). */
    private static void awaitInstances(Fleet fleet, List<String> clusters, int agents) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (agents > 0) {
            int registered = 0;
            for (String c : clusters) {
                registered += fleet.client(0)
                        .listContainerInstances(r -> r.cluster(c))
                        .containerInstanceArns()
                        .size();
            }
            if (registered >= agents) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(registered + " of " + agents + " agents registered after 2 minutes");
            }
            Thread.sleep(250);
        }
    }

    private static double[] cpu(Fleet fleet) {
        return fleet.replicas().stream().mapToDouble(Replica::cpuSeconds).toArray();
    }
}
