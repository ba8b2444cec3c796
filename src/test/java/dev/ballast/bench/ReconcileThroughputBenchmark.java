package dev.ballast.bench;

import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Reply;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Issue 10 figure: reconcile throughput with one slow registry. The server runs in-process on SQLite with simulated
 * container instances and a real CNCF registry; one service's images are on a registry that accepts connections and
 * never answers (the server's registry client waits up to 10 minutes per request). Right after that service,
 * SERVICES - 1 others (desired count 1, images on the real registry) are created one after another; the figure is
 * the time from their first CreateService until every one of them is steady (one COMPLETED deployment, its task
 * RUNNING), with the times at which a half and nine tenths of them were. Uses only the ECS API, so the same class
 * runs against an older commit.
 *
 * <p>One API client creates them: with eight at once the server at c3f0f68 stalled for good on SQLite (API virtual
 * threads waiting in the driver's native busy handler held both carrier threads while the reconciler, inside a
 * write transaction, waited for a monitor held by an unmounted virtual thread); the store is unchanged since.
 * Usage: bench/reconcile-throughput [SERVICES [INSTANCES [TIMEOUT_SECONDS]]] (defaults 1000, 10, 600).
 */
public final class ReconcileThroughputBenchmark {
    private ReconcileThroughputBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Duration timeout = Duration.ofSeconds(args.length > 2 ? Long.parseLong(args[2]) : 600);
        CountDownLatch gate = new CountDownLatch(1);
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer stalled = ScriptedServer.start(r -> {
                    gate.await();
                    return Reply.of(503);
                });
                TestServer server = TestServer.sqlite(c -> c.simulatedInstances(instances)
                        .registry(r -> r.withTimeouts(Duration.ofSeconds(5), Duration.ofMinutes(10))));
                EcsClient ecs = server.client()) {
            registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            ecs.registerTaskDefinition(r -> r.family("slow")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(stalled.host() + "/bench/slow:v1")
                            .memory(16)
                            .versionConsistency("enabled")
                            .build()));
            ecs.registerTaskDefinition(r -> r.family("app")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(registry.host() + "/bench/app:v1")
                            .memory(16)
                            .versionConsistency("enabled")
                            .build()));

            ecs.createService(r -> r.serviceName("slow").taskDefinition("slow").desiredCount(1));
            long start = System.nanoTime();
            List<String> names = new ArrayList<>();
            for (int i = 1; i < services; i++) {
                names.add("s%04d".formatted(i));
            }
            for (String name : names) { // one API client: see the class comment
                ecs.createService(r -> r.serviceName(name).taskDefinition("app").desiredCount(1));
            }
            double created = seconds(start);
            System.out.printf(
                    "created %d services in %.1f s (the first on a registry that never answers)%n", services, created);

            Set<String> waiting = new LinkedHashSet<>(names);
            int others = names.size();
            double half = -1;
            double ninety = -1;
            while (!waiting.isEmpty()) {
                List<String> batch = new ArrayList<>(waiting);
                for (int i = 0; i < batch.size(); i += 10) {
                    List<String> page = batch.subList(i, Math.min(batch.size(), i + 10));
                    for (Service s : ecs.describeServices(r -> r.services(page)).services()) {
                        if (steady(s)) {
                            waiting.remove(s.serviceName());
                        }
                    }
                }
                int done = others - waiting.size();
                double t = seconds(start);
                if (half < 0 && done * 2 >= others) {
                    half = t;
                }
                if (ninety < 0 && done * 10 >= others * 9) {
                    ninety = t;
                }
                System.out.printf("  %6.1f s  steady %d of %d%n", t, done, others);
                if (Duration.ofNanos(System.nanoTime() - start).compareTo(timeout) > 0) {
                    System.out.printf(
                            "reconcile-throughput: TIMED OUT after %d s with %d of %d steady%n",
                            timeout.toSeconds(), done, others);
                    return;
                }
                if (!waiting.isEmpty()) {
                    Thread.sleep(500); // a benchmark polling a live server; no clock to advance here
                }
            }
            double all = seconds(start);
            Service slow =
                    ecs.describeServices(r -> r.services("slow")).services().getFirst();
            System.out.printf(
                    "reconcile-throughput: %d other services steady in %.1f s (half %.1f s, 90%% %.1f s; "
                            + "creating them took %.1f s); the slow service: %d running, rollout %s, its registry received %d "
                            + "request(s)%n",
                    others,
                    all,
                    half,
                    ninety,
                    created,
                    slow.runningCount(),
                    slow.deployments().getFirst().rolloutStateAsString(),
                    stalled.received().size());
        } finally {
            gate.countDown();
        }
    }

    private static boolean steady(Service s) {
        return s.deployments().size() == 1
                && "COMPLETED".equals(s.deployments().getFirst().rolloutStateAsString())
                && s.runningCount().equals(s.desiredCount())
                && s.pendingCount() == 0;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
