package dev.ballast.bench;

import dev.ballast.image.Digest;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.model.TagKey;
import dev.ballast.store.Store;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Issue 11 figure "detection latency, push → drift visible": a real CNCF registry, the server in-process, one service
 * pinned to a watched tag; the tag is moved N times and each time the benchmark measures how long after the push
 * completed (skopeo exits once the registry answered the manifest PUT) the tag's new digest is in the server's tag
 * states, which drift and moved-tag rollouts read.
 *
 * <p>Modes: {@code notifications} (the registry notifies {@code POST /registry-notifications}; no polling),
 * {@code polling} (no notifications; the tag watcher's HEADs every {@code --poll-interval}, needs the tag watcher),
 * or {@code both}. Usage: {@code bench/detection-latency [--mode notifications|polling|both] [--pushes N]
 * [--poll-interval 5s]}.
 */
public final class DetectionLatencyBenchmark {
    private static final String TOKEN = "bench-notification-token";

    private DetectionLatencyBenchmark() {}

    public static void main(String[] args) throws Exception {
        String mode = "notifications";
        int pushes = 20;
        Duration interval = Duration.ofSeconds(5);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--mode" -> mode = args[++i].toLowerCase(Locale.ROOT);
                case "--pushes" -> pushes = Integer.parseInt(args[++i]);
                case "--poll-interval" -> interval = Duration.parse("PT" + args[++i].toUpperCase(Locale.ROOT));
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + "; usage: [--mode notifications|polling|both] [--pushes N] [--poll-interval 5s]");
            }
        }
        if (!List.of("notifications", "polling", "both").contains(mode)) {
            throw new IllegalArgumentException("--mode must be notifications, polling or both, not " + mode);
        }
        System.out.printf("detection latency, push -> tag state visible; %d pushes per mode%n", pushes);
        if (!mode.equals("polling")) {
            report("notifications", run(true, pushes, interval));
        }
        if (!mode.equals("notifications")) {
            report("polling every " + interval.toSeconds() + " s", run(false, pushes, interval));
        }
    }

    /** Milliseconds from each push's completion to the new digest in the tag states; null for a push never seen. */
    private static List<Double> run(boolean notifications, int pushes, Duration interval) throws Exception {
        TestServer server = TestServer.sqlite(c -> c.simulatedInstances(0)
                .lifecycle(l -> (notifications ? l.withNotificationToken(TOKEN) : l).withTagWatchInterval(interval)));
        RegistryFixture registry = notifications
                ? RegistryFixture.startNotifying(server.endpoint().resolve("/registry-notifications"), TOKEN)
                : RegistryFixture.start();
        try (server;
                registry;
                EcsClient ecs = server.client()) {
            Store store = server.server().store();
            ecs.createCluster(r -> r.clusterName("default"));
            Digest first = registry.images().push("bench/app:v1", TestImages.Format.OCI, "v0");
            ecs.registerTaskDefinition(r -> r.family("bench")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(registry.host() + "/bench/app:v1")
                            .memory(16)
                            .build()));
            ecs.createService(
                    r -> r.serviceName("bench").taskDefinition("bench").desiredCount(0));
            while (new Holdings(store)
                    .current().stream().noneMatch(h -> first.toString().equals(h.digest()))) {
                Thread.sleep(20);
            }
            TagKey key = new TagKey(registry.host(), "bench/app", "v1");
            Duration timeout = notifications ? Duration.ofSeconds(10) : interval.multipliedBy(3);
            List<Double> out = new ArrayList<>();
            for (int i = 1; i <= pushes; i++) {
                Digest d = registry.images().moveTag("bench/app:v1", TestImages.Format.OCI, "v" + i);
                long pushed = System.nanoTime();
                long deadline = pushed + timeout.toNanos();
                Double seen = null;
                while (System.nanoTime() < deadline) {
                    if (store.tagStates()
                            .find(key)
                            .map(s -> d.toString().equals(s.digest()))
                            .orElse(false)) {
                        seen = (System.nanoTime() - pushed) / 1e6;
                        break;
                    }
                    Thread.sleep(2);
                }
                out.add(seen);
                if (seen == null && i == 1) {
                    System.out.printf(
                            "  push 1 not seen within %s: no source of tag states in this build for this mode%n",
                            timeout);
                    break;
                }
            }
            return out;
        }
    }

    private static void report(String mode, List<Double> millis) {
        List<Double> seen =
                new ArrayList<>(millis.stream().filter(m -> m != null).toList());
        if (seen.isEmpty()) {
            System.out.printf("%-22s no push seen%n", mode);
            return;
        }
        Collections.sort(seen);
        System.out.printf(
                "%-22s pushes=%d seen=%d  p50=%.0f ms  p95=%.0f ms  max=%.0f ms%n",
                mode, millis.size(), seen.size(), percentile(seen, 50), percentile(seen, 95), seen.getLast());
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
