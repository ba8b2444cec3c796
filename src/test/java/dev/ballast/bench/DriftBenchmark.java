package dev.ballast.bench;

import dev.ballast.image.Digest;
import dev.ballast.image.MediaTypes;
import dev.ballast.lifecycle.ContainerDrift;
import dev.ballast.lifecycle.DriftJob;
import dev.ballast.lifecycle.DriftView;
import dev.ballast.lifecycle.ServiceDrift;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.store.Versioned;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Issue 11: what drift costs. SERVICES services (desired 1, a pinned app and a {@code disabled} sidecar on one tag
 * each, shared by all) on a real CNCF registry and simulated instances, in-process on SQLite; once all are steady
 * the app's tag moves and is recorded as the watcher would. Prints the time and store statements of {@code
 * job:drift}'s pass over all services, side by side with the pass as first written (per-service reads, events
 * re-written with addOnce), and of DescribeServices of 10
 * services with the statements the {@code imageDrift} member adds (the same 10 services' {@link DriftView}, counted
 * separately). Usage: bench/drift [SERVICES [INSTANCES]] (defaults 1000, 10).
 */
public final class DriftBenchmark {
    private DriftBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int instances = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server = TestServer.sqlite(c -> c.simulatedInstances(instances));
                EcsClient ecs = server.client()) {
            registry.images().push("bench/app:v1", TestImages.Format.OCI, "app-1");
            registry.images().push("bench/log:v1", TestImages.Format.OCI, "log-1");
            ecs.registerTaskDefinition(r -> r.family("app")
                    .containerDefinitions(
                            ContainerDefinition.builder()
                                    .name("app")
                                    .image(registry.host() + "/bench/app:v1")
                                    .memory(16)
                                    .versionConsistency("enabled")
                                    .build(),
                            ContainerDefinition.builder()
                                    .name("log")
                                    .image(registry.host() + "/bench/log:v1")
                                    .memory(16)
                                    .essential(false)
                                    .versionConsistency("disabled")
                                    .build()));
            List<String> names = new ArrayList<>();
            for (int i = 0; i < services; i++) {
                String name = "s%04d".formatted(i);
                names.add(name);
                ecs.createService(r -> r.serviceName(name).taskDefinition("app").desiredCount(1));
            }
            awaitSteady(ecs, names);
            Digest moved = registry.images().moveTag("bench/app:v1", TestImages.Format.OCI, "app-2");
            Store store = server.server().store();
            long now = System.currentTimeMillis();
            store.tagStates()
                    .record(new TagState(
                            new TagKey(registry.host(), "bench/app", "v1"),
                            moved.toString(),
                            MediaTypes.OCI_MANIFEST,
                            null,
                            now,
                            now,
                            TagSource.POLL));
            System.out.printf("machine: %d cores; %d services steady on %d instances%n", cores(), services, instances);
            DriftJob job = new DriftJob(store, ref -> {});
            job.passOnce(); // the events, once
            for (int pass = 1; pass <= 3; pass++) {
                long q = store.queries();
                long t = System.nanoTime();
                perService(store);
                System.out.printf(
                        "drift: per-service pass %d over %d services: %.0f ms, %d store statements%n",
                        pass, services, (System.nanoTime() - t) / 1e6, store.queries() - q);
                q = store.queries();
                t = System.nanoTime();
                job.passOnce();
                System.out.printf(
                        "drift: job:drift pass %d over %d services: %.0f ms, %d store statements%n",
                        pass, services, (System.nanoTime() - t) / 1e6, store.queries() - q);
            }
            List<String> ten = names.subList(0, 10);
            for (int round = 1; round <= 3; round++) {
                long q = store.queries();
                long t = System.nanoTime();
                ecs.describeServices(r -> r.services(ten));
                double ms = (System.nanoTime() - t) / 1e6;
                long all = store.queries() - q;
                q = store.queries();
                DriftView view = new DriftView(store);
                for (String n : ten) {
                    ServiceRow s = store.services()
                            .live("default", n)
                            .map(Versioned::value)
                            .orElseThrow();
                    view.of(s);
                }
                // view.of(s) also reads the deployments, which DescribeServices reuses: one statement per service
                long drift = store.queries() - q - ten.size() * 2L;
                System.out.printf(
                        "drift: DescribeServices of 10: %.0f ms, %d store statements, of which imageDrift %d%n",
                        ms, all, drift);
            }
        }
    }

    /**
     * The pass as first written (the baseline): each service's deployments and tasks read on their own, and each moved
     * container's event written again with {@code addOnce} (a no-op statement once it exists).
     */
    private static void perService(Store store) {
        DriftView view = new DriftView(store);
        for (Versioned<ServiceRow> v : store.services().needingReconcile(100_000)) {
            ServiceDrift d = view.of(v.value());
            for (ContainerDrift c : d.containers()) {
                if (c.status().drifted()) {
                    store.events()
                            .addOnce(
                                    d.serviceArn(),
                                    "drift:" + d.serviceArn() + ":" + c.tag() + ":" + c.registryDigest(),
                                    c.detail());
                }
            }
        }
    }

    private static void awaitSteady(EcsClient ecs, List<String> names) throws InterruptedException {
        long start = System.nanoTime();
        while (true) {
            int steady = 0;
            for (int i = 0; i < names.size(); i += 10) {
                List<String> page = names.subList(i, Math.min(names.size(), i + 10));
                for (Service s : ecs.describeServices(r -> r.services(page)).services()) {
                    if (s.deployments().size() == 1 && s.runningCount() == 1 && s.pendingCount() == 0) {
                        steady++;
                    }
                }
            }
            if (steady == names.size()) {
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - start).toMinutes() >= 10) {
                throw new IllegalStateException("only " + steady + " of " + names.size() + " steady after 10 minutes");
            }
            Thread.sleep(500); // a benchmark polling a live server; no clock to advance here
        }
    }

    private static int cores() {
        return Runtime.getRuntime().availableProcessors();
    }
}
