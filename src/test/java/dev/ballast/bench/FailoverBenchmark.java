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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Issue 13 figure: failover, from {@code kill -9} of a replica holding controller work to the next controller
 * action on its services by another replica, seen from outside. Per round: a fresh PostgreSQL database; the victim
 * starts first (so before sharding it holds the one controller lease; with sharding it holds its share) and runs no
 * instances; REPLICAS-1 survivors follow, the first running every simulated instance. SERVICES services of one task
 * run; once the shards are spread evenly (at most SETTLE seconds; a server without shards just waits that long)
 * the victim is killed and every service is at once scaled to 2 through the survivors.
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

    /** Waits until the replicas hold all shards evenly (max - min at most 1), or {@code limit} has passed. */
    private static void awaitBalanced(Fleet fleet, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            double[] held = new double[fleet.size()];
            for (int i = 0; i < held.length; i++) {
                held[i] = fleet.replicas().get(i).metric("ballast_controller_shards");
            }
            double sum = Arrays.stream(held).sum();
            double spread = Arrays.stream(held).max().orElse(0)
                    - Arrays.stream(held).min().orElse(0);
            if (sum > 0 && spread <= 1) {
                return;
            }
            Thread.sleep(250);
        }
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
            awaitBalanced(fleet, Duration.ofSeconds(settle));
            String victimServices = fleet.metric("ballast_controller_services");
            System.out.printf(
                    "  round %d before the kill: shards %s; services %s; reconciles %s%n",
                    round,
                    fleet.metric("ballast_controller_shards"),
                    victimServices,
                    fleet.metric("ballast_controller_reconciles_total"));

            victim.kill();
            long t0 = System.nanoTime();
            // every service to 2 at once, through the survivors (client 0 is the dead victim), while DescribeServices
            // is polled: each service's acknowledgement and its second task are timed from the kill
            Map<String, Double> acked = new ConcurrentHashMap<>();
            Map<String, Double> seen = new HashMap<>();
            try (ExecutorService updates = Executors.newVirtualThreadPerTaskExecutor()) {
                Future<?> done = updates.submit(() -> {
                    fleet.forEachReplica(r -> {
                        for (int i = r - 1; r > 0 && i < names.size(); i += fleet.size() - 1) {
                            String name = names.get(i);
                            fleet.client(r).updateService(u -> u.service(name).desiredCount(2));
                            acked.put(name, (System.nanoTime() - t0) / 1e9);
                        }
                    });
                    return null;
                });
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
                done.get();
            }
            double[] s = seen.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
            // a service the survivors already owned reacts to its update at once; the victim's wait for its shard
            double[] reaction = names.stream()
                    .mapToDouble(n -> seen.get(n) - acked.get(n))
                    .sorted()
                    .toArray();
            long waited = Arrays.stream(reaction).filter(x -> x > 1.0).count();
            double lastAck = acked.values().stream()
                    .mapToDouble(Double::doubleValue)
                    .max()
                    .orElse(0);
            String row = String.format(
                    Locale.ROOT,
                    "failover: round %d: kill -9 -> every service's second task placed within %.2f s (p50 %.2f s);"
                            + " %d of %d services waited over 1 s after their UpdateService was answered (victim held"
                            + " %s), the others p50 %.2f s; last UpdateService answered %.2f s after the kill",
                    round,
                    s[s.length - 1],
                    s[s.length / 2],
                    waited,
                    s.length,
                    victimServices.replaceAll(" .*", ""),
                    reaction[(int) (reaction.length - waited) / 2],
                    lastAck);
            System.out.println(row);
            System.out.printf(
                    "  after: shards %s; services %s; reconciles %s%n",
                    fleet.metric("ballast_controller_shards"),
                    fleet.metric("ballast_controller_services"),
                    fleet.metric("ballast_controller_reconciles_total"));
            return row;
        }
    }
}
