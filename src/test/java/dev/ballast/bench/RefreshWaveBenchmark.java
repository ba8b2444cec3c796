package dev.ballast.bench;

import dev.ballast.image.ImageReference;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.RolloutState;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.MovedTagRollouts;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Issue 11 figure: push → every sidecar refreshed. The server runs in-process on SQLite with simulated container
 * instances and a real CNCF registry; SERVICES services of TASKS tasks each run an app container (pinned) and a
 * {@code disabled} sidecar whose policy is {@code refresh} with no cooldown. The sidecar's tag is moved and the new
 * digest written to the tag states as the tag watcher would (the "push"); the figure is the time until every task of
 * every service runs the new sidecar digest and no other task is live, with the times of the first rollout start, the
 * half and the last service, and the most moved-tag deployments seen in progress at once. One run per wave size given
 * (a fresh server each), so the cap's cost shows side by side. Usage: bench/moved-tag-refresh [SERVICES [TASKS
 * [INSTANCES [WAVE_SIZES]]]] (defaults 20, 10, 4, "5,20").
 */
public final class RefreshWaveBenchmark {
    private RefreshWaveBenchmark() {}

    public static void main(String[] args) throws Exception {
        int services = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int tasks = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int instances = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        String waves = args.length > 3 ? args[3] : "5,20";
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("bench/app:v1", TestImages.Format.OCI, "app");
            registry.images().push("bench/sidecar:stable", TestImages.Format.OCI, "sidecar-0");
            int round = 0;
            for (String w : waves.split(",")) {
                round++;
                run(registry, services, tasks, instances, Integer.parseInt(w.trim()), round);
            }
        }
    }

    private static void run(RegistryFixture registry, int services, int tasks, int instances, int wave, int round)
            throws Exception {
        try (TestServer server =
                        TestServer.sqlite(c -> c.simulatedInstances(instances).lifecycle(l -> l.withWaveSize(wave)));
                EcsClient ecs = server.client()) {
            Store store = server.server().store();
            String sidecar = registry.host() + "/bench/sidecar:stable";
            ecs.registerTaskDefinition(r -> r.family("web")
                    .containerDefinitions(
                            ContainerDefinition.builder()
                                    .name("app")
                                    .image(registry.host() + "/bench/app:v1")
                                    .memory(16)
                                    .build(),
                            ContainerDefinition.builder()
                                    .name("sidecar")
                                    .image(sidecar)
                                    .memory(16)
                                    .versionConsistency("disabled")
                                    .build()));
            List<String> arns = new ArrayList<>();
            for (int i = 0; i < services; i++) {
                String name = "svc-" + i;
                arns.add(ecs.createService(
                                r -> r.serviceName(name).taskDefinition("web").desiredCount(tasks))
                        .service()
                        .serviceArn());
            }
            String before =
                    registry.images().inspectDigest("bench/sidecar:stable").toString();
            waitUntil(Duration.ofMinutes(10), () -> arns.stream().allMatch(a -> on(store, a, tasks, before)));
            for (String a : arns) {
                store.imagePolicies().put(a, new ImageLifecyclePolicy(MissingImageAction.FAIL, true, false, 0, false));
            }
            String after = registry.images()
                    .moveTag("bench/sidecar:stable", TestImages.Format.OCI, "sidecar-" + round)
                    .toString();
            ImageReference ref = ImageReference.parse(sidecar);
            TagKey key = new TagKey(ref.registry(), ref.repository(), ref.tag().orElseThrow());
            long pushed = System.nanoTime();
            long now = System.currentTimeMillis();
            store.tagStates().record(new TagState(key, after, null, null, now, now, TagSource.PUSH));
            Map<String, Long> done = new HashMap<>();
            long firstStart = -1;
            int highest = 0;
            long deadline = pushed + Duration.ofMinutes(20).toNanos();
            while (done.size() < services && System.nanoTime() < deadline) {
                List<MovedTagRollouts.Rollout> all = store.movedTagRollouts().all();
                if (firstStart < 0 && !all.isEmpty()) {
                    firstStart = System.nanoTime() - pushed;
                }
                int inProgress = 0;
                for (MovedTagRollouts.Rollout r : all) {
                    if (store.deployments()
                            .find(r.deploymentId())
                            .map(d -> d.value().rolloutState().equals(RolloutState.IN_PROGRESS.wire()))
                            .orElse(false)) {
                        inProgress++;
                    }
                }
                highest = Math.max(highest, inProgress);
                for (String a : arns) {
                    if (!done.containsKey(a) && on(store, a, tasks, after)) {
                        done.put(a, System.nanoTime() - pushed);
                    }
                }
                Thread.sleep(20);
            }
            List<Long> times = done.values().stream().sorted().toList();
            System.out.printf(
                    "wave %d: %d services x %d tasks on %d simulated instances: refreshed %d; first rollout %.1f s;"
                            + " half %.1f s; all %.1f s; most in progress at once %d%n",
                    wave,
                    services,
                    tasks,
                    instances,
                    done.size(),
                    firstStart / 1e9,
                    times.isEmpty() ? Double.NaN : times.get(times.size() / 2) / 1e9,
                    times.isEmpty() ? Double.NaN : times.getLast() / 1e9,
                    highest);
        }
    }

    /** Whether exactly {@code n} tasks of the service are live, all RUNNING with {@code digest} in the sidecar. */
    private static boolean on(Store store, String arn, int n, String digest) {
        List<TaskRow> live =
                store.tasks().liveOfService(arn).stream().map(Versioned::value).toList();
        return live.size() == n
                && live.stream()
                        .allMatch(t -> t.desiredStatus().equals(DesiredStatus.RUNNING.wire())
                                && t.lastStatus().equals(TaskStatus.RUNNING.wire())
                                && t.containers().stream()
                                        .anyMatch(c -> c.name().equals("sidecar") && digest.equals(c.imageDigest())));
    }

    private static void waitUntil(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(100);
        }
    }
}
