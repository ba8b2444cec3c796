package dev.ballast.bench;

import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Issue 13 figures at scale on PostgreSQL: TASKS tasks over SERVICES services and INSTANCES simulated container
 * instances, served by REPLICAS server processes (the packaged jar with the launcher's JVM options, each with its
 * share of the instances) on one embedded PostgreSQL. Prints the launch time, each replica's RSS (VmRSS and VmHWM)
 * once all tasks run and after a bounded concurrent load of DescribeServices (10 services a call) and
 * DescribeTasks (100 tasks a call) through the AWS SDK while the controllers run, that load's p50/p99, and the top
 * of each replica's heap histogram.
 *
 * <p>Replica {@code i} embeds its instances in cluster {@code c<i mod CLUSTERS>} and the services are spread over
 * the clusters (default: one cluster per replica). With one cluster of 50,000 tasks each placement reads every live
 * task of the cluster (docs/benchmarks.md, "Scale on PostgreSQL").
 *
 * <p>Usage: {@code ScaleBenchmark [TASKS [SERVICES [INSTANCES [REPLICAS [LOAD_SECONDS [CALLERS [CLUSTERS]]]]]]]}
 * (defaults 50,000, 500, 200, 2, 30, 8, REPLICAS; bench/scale).
 */
public final class ScaleBenchmark {
    private ScaleBenchmark() {}

    public static void main(String[] args) throws Exception {
        int tasks = arg(args, 0, 50_000);
        int services = arg(args, 1, 500);
        int instances = arg(args, 2, 200);
        int replicas = arg(args, 3, 2);
        int loadSeconds = arg(args, 4, 30);
        int callers = arg(args, 5, 8);
        int clusters = arg(args, 6, replicas);
        int perService = tasks / services;
        System.out.printf(
                "scale: %d tasks (%d services x %d) on %d simulated instances in %d cluster(s), %d replicas on "
                        + "PostgreSQL; replica JVM options: %s%n",
                perService * services,
                services,
                perService,
                instances,
                clusters,
                replicas,
                String.join(" ", Replica.jvmOptions()));
        try (RegistryFixture registry = RegistryFixture.start();
                Fleet fleet = fleet(replicas, instances, clusters)) {
            registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            fleet.registerTaskDefinition(registry.host() + "/bench/app:v1");
            List<String> names = IntStream.range(0, services)
                    .mapToObj(i -> String.format(Locale.ROOT, "c%d/svc-%04d", i % clusters, i))
                    .toList();
            memory(fleet, "started (idle)");

            long t0 = System.nanoTime();
            fleet.createServices(names, perService);
            System.out.printf(
                    Locale.ROOT, "  %7.1f s  %d services created%n", (System.nanoTime() - t0) / 1e9, services);
            double seconds = fleet.awaitRunning(names, (long) perService * services, 5_000, t0, Duration.ofMinutes(20));
            System.out.printf(
                    Locale.ROOT,
                    "scale: launch of %d tasks: CreateService -> all RUNNING in %.1f s = %.0f tasks/s%n",
                    perService * services,
                    seconds,
                    perService * services / seconds);
            memory(fleet, "all tasks running");

            List<TaskPage> taskPages = taskPages(fleet, names);
            Load load = new Load(fleet, names, taskPages);
            System.out.printf("  warm-up load: 5 s, %d callers%n", callers);
            load.run(callers, 5);
            System.out.printf("  measured load: %d s, %d callers over %d replicas%n", loadSeconds, callers, replicas);
            double[][] lat = load.run(callers, loadSeconds);
            report("DescribeServices (10 services)", lat[0], loadSeconds);
            report("DescribeTasks (100 tasks)", lat[1], loadSeconds);
            memory(fleet, "after the load");
            for (Replica r : fleet.replicas()) {
                System.out.printf("heap histogram of %s (live objects, top 12):%n%s%n", r.node(), r.histogram(15));
            }
            for (Replica r : fleet.replicas()) {
                String log = r.log();
                if (log.contains("OutOfMemoryError")) {
                    System.out.printf("scale: %s logged an OutOfMemoryError%n", r.node());
                }
            }
        }
        System.exit(0);
    }

    /**
     * The replicas, each embedding its share of the instances in cluster {@code c<replica mod clusters>}: replica
     * {@code i} serves cluster {@code i mod clusters}, so clusters beyond the replica count get no instances.
     */
    private static Fleet fleet(int replicas, int instances, int clusters) throws Exception {
        String store = PostgresFixture.newDatabase();
        Fleet fleet = new Fleet();
        try {
            for (int i = 0; i < replicas; i++) {
                int share = instances / replicas + (i < instances % replicas ? 1 : 0);
                List<String> extra = new ArrayList<>(List.of(Fleet.ROOMY_INSTANCES));
                extra.addAll(List.of("--cluster", "c" + (i % clusters)));
                fleet.add(Replica.start(store, "r" + (i + 1), share, extra.toArray(String[]::new)));
            }
            return fleet;
        } catch (Exception | Error e) {
            fleet.close();
            throw e;
        }
    }

    private static int arg(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    private static void memory(Fleet fleet, String when) throws Exception {
        for (Replica r : fleet.replicas()) {
            System.out.printf(
                    Locale.ROOT, "scale: RSS %s (%s): %s, CPU %.1f s%n", r.node(), when, r.memory(), r.cpuSeconds());
        }
    }

    /** One DescribeTasks call's worth of task ARNs (at most 100) of one cluster. */
    private record TaskPage(String cluster, List<String> arns) {}

    /** Every service's task ARNs in pages of at most 100. */
    private static List<TaskPage> taskPages(Fleet fleet, List<String> names) {
        List<TaskPage> pages = new ArrayList<>();
        for (String name : names) {
            List<String> arns = new ArrayList<>();
            fleet.client(0)
                    .listTasksPaginator(r -> r.cluster(Fleet.cluster(name)).serviceName(Fleet.service(name)))
                    .taskArns()
                    .forEach(arns::add);
            for (int i = 0; i < arns.size(); i += 100) {
                pages.add(new TaskPage(
                        Fleet.cluster(name), List.copyOf(arns.subList(i, Math.min(arns.size(), i + 100)))));
            }
        }
        return pages;
    }

    private static void report(String what, double[] ms, int seconds) {
        Arrays.sort(ms);
        System.out.printf(
                Locale.ROOT,
                "scale: %-30s %6d calls %7.1f/s  p50 %6.1f ms  p99 %7.1f ms  max %7.1f ms%n",
                what,
                ms.length,
                ms.length / (double) seconds,
                pct(ms, 0.50),
                pct(ms, 0.99),
                ms.length == 0 ? Double.NaN : ms[ms.length - 1]);
    }

    private static double pct(double[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, (int) (sorted.length * p))];
    }

    /** Callers alternating DescribeServices and DescribeTasks on random services and task pages, any replica. */
    private record Load(Fleet fleet, List<String> services, List<TaskPage> taskPages) {
        double[][] run(int callers, int seconds) throws Exception {
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            List<Future<double[][]>> futures = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < callers; c++) {
                    int caller = c;
                    futures.add(pool.submit(() -> loop(caller, end)));
                }
            }
            double[][] all = {new double[0], new double[0]};
            for (Future<double[][]> f : futures) {
                double[][] one = f.get();
                for (int k = 0; k < 2; k++) {
                    double[] merged = Arrays.copyOf(all[k], all[k].length + one[k].length);
                    System.arraycopy(one[k], 0, merged, all[k].length, one[k].length);
                    all[k] = merged;
                }
            }
            return all;
        }

        private double[][] loop(int caller, long end) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            List<Double> describeServices = new ArrayList<>();
            List<Double> describeTasks = new ArrayList<>();
            for (int i = 0; System.nanoTime() < end; i++) {
                int via = caller + i;
                long t0 = System.nanoTime();
                if (i % 2 == 0) {
                    // ten services of one cluster (the names alternate between the clusters)
                    int clusters = (int)
                            services.stream().map(Fleet::cluster).distinct().count();
                    int from = random.nextInt(Math.max(1, services.size() - 10 * clusters));
                    List<String> page = IntStream.range(0, 10)
                            .mapToObj(k -> services.get(Math.min(services.size() - 1, from + k * clusters)))
                            .distinct()
                            .toList();
                    String cluster = Fleet.cluster(page.get(0));
                    List<String> bare = page.stream().map(Fleet::service).toList();
                    if (fleet.client(via)
                                    .describeServices(r -> r.cluster(cluster).services(bare))
                                    .services()
                                    .size()
                            != page.size()) {
                        throw new IllegalStateException("DescribeServices answered fewer services than asked");
                    }
                    describeServices.add((System.nanoTime() - t0) / 1e6);
                } else {
                    TaskPage page = taskPages.get(random.nextInt(taskPages.size()));
                    if (fleet.client(via)
                                    .describeTasks(
                                            r -> r.cluster(page.cluster()).tasks(page.arns()))
                                    .tasks()
                                    .size()
                            != page.arns().size()) {
                        throw new IllegalStateException("DescribeTasks answered fewer tasks than asked");
                    }
                    describeTasks.add((System.nanoTime() - t0) / 1e6);
                }
            }
            return new double[][] {
                describeServices.stream().mapToDouble(Double::doubleValue).toArray(),
                describeTasks.stream().mapToDouble(Double::doubleValue).toArray()
            };
        }
    }
}
