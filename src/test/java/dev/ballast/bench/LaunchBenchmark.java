package dev.ballast.bench;

import dev.ballast.image.Digest;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Issue 4 figures: launch throughput of one service on many simulated container instances (time from
 * CreateService until every task is RUNNING), and the deployment latency resolution adds, with the
 * registry requests it sends. Usage: bench/launch [TASKS [INSTANCES [WARMUP_TASKS]]].
 */
public final class LaunchBenchmark {
    private LaunchBenchmark() {}

    public static void main(String[] args) throws Exception {
        int tasks = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()));
                TestServer server =
                        TestServer.sqlite(c -> c.simulatedInstances(instances).resolve(ResolveSettings.defaults()));
                EcsClient ecs = server.client()) {
            Digest app = registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            registry.images().push("bench/side:v1", TestImages.Format.OCI, "side");
            String host = proxy.host();
            ecs.registerTaskDefinition(r -> r.family("bench")
                    .containerDefinitions(
                            ContainerDefinition.builder()
                                    .name("app")
                                    .image(host + "/bench/app:v1")
                                    .memory(16)
                                    .build(),
                            ContainerDefinition.builder()
                                    .name("side")
                                    .image(host + "/bench/side:v1")
                                    .memory(8)
                                    .essential(false)
                                    .versionConsistency("disabled")
                                    .build()));

            // Resolution latency: a service of desired 0, from CreateService until its revision is resolved.
            long before = proxy.count(q -> ForwardingScript.isManifest(q));
            long t0 = System.nanoTime();
            ecs.createService(
                    r -> r.serviceName("probe").taskDefinition("bench").desiredCount(0));
            waitResolved(ecs, server, "probe");
            double resolveMs = (System.nanoTime() - t0) / 1e6;
            long resolveRequests = proxy.count(q -> ForwardingScript.isManifest(q)) - before;

            // Warm-up: the same launch path on a fresh JVM runs interpreted and compiling for its first
            // thousands of tasks. A server launches services long after it started, so the figure is taken
            // on a warmed server; the warm-up's own (cold) figure is printed too.
            if (warmup > 0) {
                System.out.printf("warm-up: a service of %d tasks (cold JVM)%n", warmup);
                long w0 = System.nanoTime();
                createAndAwait(ecs, "warmup", warmup, w0);
                double coldSeconds = (System.nanoTime() - w0) / 1e9;
                ecs.deleteService(r -> r.service("warmup").force(true));
                awaitNoneLive(ecs);
                System.out.printf(
                        "  cold: %d tasks RUNNING in %.1f s = %.0f tasks/minute; all stopped again%n%n",
                        warmup, coldSeconds, warmup / coldSeconds * 60);
            }

            before = proxy.count(q -> ForwardingScript.isManifest(q));
            long start = System.nanoTime();
            createAndAwait(ecs, "big", tasks, start);
            double seconds = (System.nanoTime() - start) / 1e9;
            long launchRequests = proxy.count(q -> ForwardingScript.isManifest(q)) - before;
            System.out.println();
            System.out.printf(
                    "launch: %d tasks on %d simulated instances RUNNING in %.1f s = %.0f tasks/minute "
                            + "(ECS: at most 500 per minute per service; goal >= 30,000)%n",
                    tasks, instances, seconds, tasks / seconds * 60);
            System.out.printf(
                    "  registry manifest requests during the launch: %d (agents cache images by digest per instance; "
                            + "the disabled sidecar is fetched by tag per task)%n",
                    launchRequests);
            phases(ecs, start);
            System.out.printf(
                    "resolution: CreateService -> revision resolved in %.0f ms, %d registry manifest request(s) "
                            + "for 2 containers (1 pinned, 1 disabled); pinned digest %s%n",
                    resolveMs, resolveRequests, app);
        }
    }

    /** Creates service {@code name} of {@code tasks} tasks and waits until all are RUNNING, printing progress. */
    private static void createAndAwait(EcsClient ecs, String name, int tasks, long start) throws InterruptedException {
        ecs.createService(r -> r.serviceName(name)
                .taskDefinition("bench")
                .desiredCount(tasks)
                .deploymentConfiguration(d -> d.maximumPercent(200).minimumHealthyPercent(100)));
        int lastReported = -1;
        while (true) {
            Service s = ecs.describeServices(r -> r.services(name)).services().get(0);
            int running = s.runningCount();
            if (running != lastReported && running / 500 != lastReported / 500) {
                System.out.printf("  %6.1f s  running %d of %d%n", (System.nanoTime() - start) / 1e9, running, tasks);
                lastReported = running;
            }
            if (running == tasks) {
                return;
            }
            if (System.nanoTime() - start > Duration.ofMinutes(10).toNanos()) {
                throw new IllegalStateException(name + ": not all tasks running after 10 minutes: " + running);
            }
            Thread.sleep(200);
        }
    }

    /** Waits until every task of the cluster is STOPPED (the agents have stopped them, not only been asked to). */
    private static void awaitNoneLive(EcsClient ecs) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            List<String> arns = new ArrayList<>();
            ecs.listTasksPaginator(r -> r.desiredStatus("STOPPED")).taskArns().forEach(arns::add);
            ecs.listTasksPaginator(r -> r.desiredStatus("RUNNING")).taskArns().forEach(arns::add);
            boolean live = false;
            for (int i = 0; i < arns.size() && !live; i += 100) {
                List<String> page = arns.subList(i, Math.min(arns.size(), i + 100));
                live = ecs.describeTasks(r -> r.tasks(page)).tasks().stream()
                        .anyMatch(t -> !"STOPPED".equals(t.lastStatus()));
            }
            if (!live) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("warm-up tasks still live after 5 minutes");
            }
            Thread.sleep(500);
        }
    }

    /**
     * When the tasks reached each state, from DescribeTasks (createdAt, pullStartedAt, pullStoppedAt,
     * startedAt), as percentiles of seconds since CreateService: where the launch spends its time.
     */
    private static void phases(EcsClient ecs, long createServiceNanos) {
        long createServiceMillis = System.currentTimeMillis() - (System.nanoTime() - createServiceNanos) / 1_000_000;
        List<String> arns = new ArrayList<>();
        ecs.listTasksPaginator(r -> r.serviceName("big")).taskArns().forEach(arns::add);
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < arns.size(); i += 100) {
            List<String> page = arns.subList(i, Math.min(arns.size(), i + 100));
            tasks.addAll(ecs.describeTasks(r -> r.tasks(page)).tasks());
        }
        System.out.println(
                "  phases (seconds after CreateService; p10 / p50 / p90 / max over " + tasks.size() + " tasks):");
        phase("created (placed, stored)", tasks, t -> t.createdAt(), createServiceMillis);
        phase("pull started (agent saw it)", tasks, t -> t.pullStartedAt(), createServiceMillis);
        phase("pull stopped", tasks, t -> t.pullStoppedAt(), createServiceMillis);
        phase("RUNNING (reported)", tasks, t -> t.startedAt(), createServiceMillis);
    }

    private static void phase(String name, List<Task> tasks, Function<Task, Instant> at, long originMillis) {
        double[] s = tasks.stream()
                .map(at)
                .filter(Objects::nonNull)
                .mapToDouble(i -> (i.toEpochMilli() - originMillis) / 1000.0)
                .sorted()
                .toArray();
        if (s.length == 0) {
            System.out.printf("    %-28s (not reported)%n", name);
            return;
        }
        System.out.printf(
                "    %-28s %6.2f / %6.2f / %6.2f / %6.2f%n",
                name, s[(int) (s.length * 0.1)], s[s.length / 2], s[(int) (s.length * 0.9)], s[s.length - 1]);
    }

    private static void waitResolved(EcsClient ecs, TestServer server, String service) throws InterruptedException {
        while (true) {
            Service s =
                    ecs.describeServices(r -> r.services(service)).services().get(0);
            String arn = s.currentServiceRevisions().get(0).arn();
            List<String> digests = ecs
                    .describeServiceRevisions(r -> r.serviceRevisionArns(arn))
                    .serviceRevisions()
                    .get(0)
                    .containerImages()
                    .stream()
                    .filter(ci -> ci.containerName().equals("app"))
                    .map(ci -> ci.imageDigest())
                    .toList();
            if (!digests.isEmpty() && digests.get(0) != null) {
                return;
            }
            Thread.sleep(5);
        }
    }
}
