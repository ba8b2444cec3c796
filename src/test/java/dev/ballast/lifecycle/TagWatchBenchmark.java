package dev.ballast.lifecycle;

import dev.ballast.cli.ServerConfig;
import dev.ballast.registry.BudgetSettings;
import dev.ballast.registry.Manifest;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.registry.TagHead;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Figures for docs/benchmarks.md "Tag watcher: registry requests per hour" (run by {@code bench/tag-watch}):
 * a server with N services over M unique tags on the real CNCF registry behind a counting proxy; an hour of the
 * server's clock in {@link TagWatcher#DEFAULT_INTERVAL} passes, counting what reached the registry, beside a naive
 * watcher that sends one HEAD per service in the same run. Prints figures; asserts nothing.
 */
public final class TagWatchBenchmark {

    private TagWatchBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int tags = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("bench/app:t0", Format.OCI, "bench");
            RegistryClient pusher = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
            Manifest m = pusher.manifest(registry.reference("bench/app:t0"));
            for (int t = 1; t < tags; t++) {
                pusher.pushManifest(registry.reference("bench/app:t" + t), m.mediaType(), m.content());
            }
            System.out.println(
                    "# Tag watcher benchmark (" + Runtime.getRuntime().availableProcessors() + " CPUs, "
                            + System.getProperty("java.version") + ", registry " + registry.host() + ", interval "
                            + TagWatcher.DEFAULT_INTERVAL + ")");
            System.out.printf(
                    "%-28s %-9s %-6s %-22s %s%n", "watcher", "services", "tags", "requests in 1 h", "by method");
            run(registry, services / 5, tags, null);
            run(registry, services, tags, null);
            run(registry, services / 5, tags, "60/1h,burst=10");
        }
    }

    /** One server: N services over M tags, an hour of passes, then the naive per-service watcher on the same holdings. */
    static void run(RegistryFixture registry, int services, int tags, String budget) throws Exception {
        MutableClock clock = new MutableClock(Instant.now().minus(Duration.ofMinutes(12)));
        try (ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()))) {
            List<String> budgets = budget == null ? List.of() : List.of(proxy.host() + "=" + budget);
            try (TestServer server = TestServer.sqlite(c -> c.clock(clock)
                            .simulatedInstances(1)
                            .tagWatch(new ServerConfig.TagWatch(Duration.ofDays(1), BudgetSettings.parse(budgets))));
                    EcsClient ecs = server.client()) {
                for (int t = 0; t < tags; t++) {
                    String family = "tag" + t;
                    String image = proxy.host() + "/bench/app:t" + t;
                    ecs.registerTaskDefinition(r -> r.family(family)
                            .containerDefinitions(ContainerDefinition.builder()
                                    .name("app")
                                    .image(image)
                                    .memory(16)
                                    .build()));
                }
                for (int s = 0; s < services; s++) {
                    String name = "svc" + s;
                    String family = "tag" + (s % tags);
                    ecs.createService(
                            r -> r.serviceName(name).taskDefinition(family).desiredCount(0));
                }
                Holdings holdings = new Holdings(server.server().store());
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (holdings.current().stream().filter(Holding::pinned).count() < services) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("deployments not resolved within 5 minutes");
                    }
                    clock.advance(Duration.ofMillis(250));
                    server.server().reconcilers().wake();
                    Thread.sleep(100);
                }
                TagWatcher watcher = server.server().tagWatcher();
                int from = proxy.received().size();
                for (int pass = 0; pass < 12; pass++) {
                    watcher.passOnce();
                    clock.advance(TagWatcher.DEFAULT_INTERVAL);
                }
                print(
                        budget == null ? "TagWatcher (one per tag)" : "TagWatcher, budget " + budget,
                        services,
                        tags,
                        proxy,
                        from);
                if (budget == null) {
                    naive(server, holdings.current(), proxy, services, tags);
                }
            }
        }
    }

    /** One HEAD per service per interval (with its own ETag), as per-service watchers would send. */
    static void naive(TestServer server, List<Holding> held, ScriptedServer proxy, int services, int tags) {
        RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        Map<String, TagHead> last = new HashMap<>();
        int from = proxy.received().size();
        for (int pass = 0; pass < 12; pass++) {
            for (Holding h : held) {
                last.put(h.serviceArn(), client.headTag(h.image(), last.get(h.serviceArn())));
            }
        }
        print("naive (one per service)", services, tags, proxy, from);
    }

    static void print(String what, int services, int tags, ScriptedServer proxy, int from) {
        List<ScriptedServer.Received> sent =
                proxy.received().subList(from, proxy.received().size());
        Map<String, Integer> byMethod = new TreeMap<>();
        sent.forEach(r -> byMethod.merge(
                r.method() + (ForwardingScript.isManifest(r) ? " manifest" : " " + r.path()), 1, Integer::sum));
        System.out.printf("%-28s %-9d %-6d %-22d %s%n", what, services, tags, sent.size(), byMethod);
    }
}
