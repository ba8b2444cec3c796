package dev.ballast.bench;

import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Issue 13 figure: failover, from {@code kill -9} of a replica holding controller work to the next controller
 * action on its services by another replica, seen from outside. Per round: a fresh PostgreSQL database; the victim
 * starts first (so before sharding it holds the one controller lease; with sharding it holds its share) and runs no
 * instances; REPLICAS-1 survivors follow, the first running every simulated instance. SERVICES services of one task
 * run; after SETTLE seconds the victim is killed and every service is at once scaled to 2 through the survivors.
 * For each service the time from the kill until DescribeServices counts its second task (pending or running: the
 * controller placed it) is recorded; the slowest is the failover time, and services answered within a second were
 * reconciled by a survivor that already owned them.
 *
 * <p>Usage: {@code FailoverBenchmark [REPLICAS [SERVICES [ROUNDS [SETTLE_SECONDS [LEASE]]]]]} (defaults 3, 30, 3,
 * 15, the server's default lease; bench/failover).
 */
public final class FailoverBenchmark {
    private FailoverBenchmark() {}

    public static void main(String[] args) throws Exception {
        int replicas = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int services = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int settle = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        String[] lease = args.length > 4 ? new String[] {"--controller-lease", args[4]} : new String[0];
        System.out.printf(
                "failover: %d replicas, %d services of 1 task, %d round(s), settle %d s, lease %s; JVM options: %s%n",
                replicas,
                services,
                rounds,
                settle,
                lease.length > 0 ? args[4] : "server default",
                String.join(" ", Replica.jvmOptions()));
        List<String> rows = new ArrayList<>();
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            for (int round = 1; round <= rounds; round++) {
                rows.add(round(registry.host() + "/bench/app:v1", round, replicas, services, settle, lease));
            }
        }
        System.out.println("---");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static String round(String image, int round, int replicas, int services, int settle, String[] lease)
            throws Exception {
        String store = PostgresFixture.newDatabase();
        List<String> victimArgs = new ArrayList<>(List.of(Fleet.ROOMY_INSTANCES));
        victimArgs.addAll(List.of(lease));
        try (Fleet fleet = new Fleet()) {
            Replica victim = Replica.start(store, "v", 0, victimArgs.toArray(String[]::new));
            fleet.add(victim);
            for (int i = 1; i < replicas; i++) {
                fleet.add(Replica.start(store, "s" + i, i == 1 ? 20 : 0, victimArgs.toArray(String[]::new)));
            }
            fleet.registerTaskDefinition(image);
            List<String> names = IntStream.range(0, services)
                    .mapToObj(i -> String.format(Locale.ROOT, "fo-%03d", i))
                    .toList();
            long c0 = System.nanoTime();
            fleet.createServices(names, 1);
            fleet.awaitRunning(names, services, services, c0, Duration.ofMinutes(3));
            Thread.sleep(Duration.ofSeconds(settle));
            System.out.printf(
                    "  round %d before the kill: leader %s; reconciles %s%n",
                    round,
                    fleet.metric("ballast_controller_leader"),
                    fleet.metric("ballast_controller_reconciles_total"));

            victim.kill();
            long t0 = System.nanoTime();
            // every service to 2 at once, through the survivors (client 0 is the dead victim)
            fleet.forEachReplica(r -> {
                if (r == 0) {
                    return;
                }
                for (int i = r - 1; i < names.size(); i += fleet.size() - 1) {
                    String name = names.get(i);
                    fleet.client(r).updateService(u -> u.service(name).desiredCount(2));
                }
            });
            double updated = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> seen = new HashMap<>();
            while (seen.size() < names.size()) {
                for (Service s : fleet.describe(1, names)) {
                    if (!seen.containsKey(s.serviceName()) && s.runningCount() + s.pendingCount() >= 2) {
                        seen.put(s.serviceName(), (System.nanoTime() - t0) / 1e9);
                    }
                }
                if (System.nanoTime() - t0 > Duration.ofSeconds(120).toNanos()) {
                    throw new IllegalStateException(
                            "round " + round + ": only " + seen.size() + " services acted on 120 s after the kill");
                }
                Thread.sleep(50);
            }
            double[] s = seen.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            long waited = Arrays.stream(s).filter(x -> x > 1.0).count();
            String row = String.format(
                    Locale.ROOT,
                    "failover: round %d: kill -9 -> second task placed: max %.2f s, p50 %.2f s, min %.2f s;"
                            + " %d of %d services took over 1 s (the victim's); scale-up calls done %.2f s after the"
                            + " kill",
                    round,
                    s[s.length - 1],
                    s[s.length / 2],
                    s[0],
                    waited,
                    s.length,
                    updated);
            System.out.println(row);
            System.out.printf(
                    "  after: leader %s; reconciles %s%n",
                    fleet.metric("ballast_controller_leader"), fleet.metric("ballast_controller_reconciles_total"));
            return row;
        }
    }
}
