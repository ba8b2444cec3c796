package dev.ballast.bench;

import dev.ballast.cli.ServerConfig;
import dev.ballast.image.Digest;
import dev.ballast.image.MediaTypes;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.model.TagKey;
import dev.ballast.registry.BudgetSettings;
import dev.ballast.store.Store;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Issue 11 figure "detection latency, push → drift visible": a real CNCF registry, the server in-process, one service
 * pinned to a watched tag; the tag is moved N times and each time the benchmark measures how long after the registry
 * first serves the new digest (a HEAD of the tag every 2 ms, from the benchmark) the tag's new digest is in the
 * server's tag states, which drift and moved-tag rollouts read.
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

    /** Milliseconds from the registry serving each push to the new digest in the tag states; null: never seen. */
    private static List<Double> run(boolean notifications, int pushes, Duration interval) throws Exception {
        TestServer server = TestServer.sqlite(c -> c.simulatedInstances(0)
                .lifecycle(l -> notifications ? l.withNotificationToken(TOKEN) : l)
                .tagWatch(new ServerConfig.TagWatch(interval, BudgetSettings.defaults())));
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
            HttpClient http = HttpClient.newHttpClient();
            String previous = first.toString();
            for (int i = 1; i <= pushes; i++) {
                String before = previous;
                AtomicLong served = new AtomicLong();
                AtomicLong visible = new AtomicLong();
                AtomicBoolean pushing = new AtomicBoolean(true);
                long timeoutNanos = timeout.toNanos();
                // the moment the registry serves the new digest (HEAD every 2 ms), and the moment the server knows it
                Thread registrySide = Thread.ofVirtual().start(() -> {
                    while (served.get() == 0) {
                        String now = head(http, registry, "bench/app", "v1");
                        if (now != null && !now.equals(before)) {
                            served.set(System.nanoTime());
                        }
                        pause(2);
                    }
                });
                Thread serverSide = Thread.ofVirtual().start(() -> {
                    long deadline = Long.MAX_VALUE;
                    while (visible.get() == 0 && System.nanoTime() < deadline) {
                        if (store.tagStates()
                                .find(key)
                                .map(s -> s.digest() != null && !s.digest().equals(before))
                                .orElse(false)) {
                            visible.set(System.nanoTime());
                        }
                        if (!pushing.get() && deadline == Long.MAX_VALUE) {
                            deadline = System.nanoTime() + timeoutNanos;
                        }
                        pause(1);
                    }
                });
                Digest d = registry.images().moveTag("bench/app:v1", TestImages.Format.OCI, "v" + i);
                pushing.set(false);
                serverSide.join();
                if (served.get() == 0) {
                    served.set(System.nanoTime()); // the loop had not seen it yet: it is served by now
                }
                registrySide.join();
                previous = d.toString();
                Double seen = visible.get() == 0 ? null : (visible.get() - served.get()) / 1e6;
                out.add(seen);
                if (seen == null && i == 1) {
                    System.out.printf(
                            "  push 1 not seen within %s: no source of tag states in this build for this mode%n",
                            timeout);
                    break;
                }
                if (seen == null) {
                    // a missed push leaves the state behind: wait for it before the next one
                    while (!store.tagStates()
                            .find(key)
                            .map(s -> d.toString().equals(s.digest()))
                            .orElse(false)) {
                        pause(10);
                    }
                }
            }
            return out;
        }
    }

    /** The digest the registry serves for {@code repository:tag} now, or null. */
    private static String head(HttpClient http, RegistryFixture registry, String repository, String tag) {
        HttpRequest request = HttpRequest.newBuilder(
                        registry.baseUri().resolve("/v2/" + repository + "/manifests/" + tag))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Accept", String.join(",", MediaTypes.MANIFESTS))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding())
                    .headers()
                    .firstValue("Docker-Content-Digest")
                    .orElse(null);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
