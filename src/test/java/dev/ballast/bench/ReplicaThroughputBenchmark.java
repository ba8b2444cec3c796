package dev.ballast.bench;

import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
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
 * <p>Usage: {@code ReplicaThroughputBenchmark [SERVICES [TASKS [INSTANCES [COUNTS [WARMUP]]]]]} (defaults 30, 100,
 * 60, 1,2,3, 300; bench/replicas).
 */
public final class ReplicaThroughputBenchmark {
    private ReplicaThroughputBenchmark() {}

    /** Metrics printed per replica after each launch (those a server does not have read 0). */
    private static final List<String> METRICS =
            List.of("ballast_controller_leader", "ballast_controller_reconciles_total", "ballast_shards_owned");

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int perService = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int[] counts = Arrays.stream((args.length > 3 ? args[3] : "1,2,3").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 300;
        int total = services * perService;
        System.out.printf(
                "replicas: %d services x %d tasks = %d tasks on %d simulated instances (one cluster), replica counts %s;"
                        + " replica JVM options: %s%n",
                services,
                perService,
                total,
                instances,
                Arrays.toString(counts),
                String.join(" ", Replica.jvmOptions()));
        List<String> rows = new ArrayList<>();
        double base = Double.NaN;
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            for (int count : counts) {
                System.out.printf("== %d replica(s)%n", count);
                try (Fleet fleet =
                        Fleet.start(PostgresFixture.newDatabase(), count, instances, Fleet.ROOMY_INSTANCES)) {
                    fleet.registerTaskDefinition(registry.host() + "/bench/app:v1");
                    if (warmup > 0) {
                        List<String> warm = List.of("warmup");
                        long w0 = System.nanoTime();
                        fleet.createServices(warm, warmup);
                        double ws = fleet.awaitRunning(warm, warmup, warmup, w0, Duration.ofMinutes(5));
                        System.out.printf(Locale.ROOT, "  warm-up: %d tasks running in %.1f s%n", warmup, ws);
                    }
                    List<String> names = IntStream.range(0, services)
                            .mapToObj(i -> String.format(Locale.ROOT, "svc-%03d", i))
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
                }
            }
        }
        System.out.println("---");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static double[] cpu(Fleet fleet) {
        return fleet.replicas().stream().mapToDouble(Replica::cpuSeconds).toArray();
    }
}
