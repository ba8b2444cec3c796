package dev.ballast.lifecycle;

import static dev.ballast.lifecycle.MovedTagApprovalIT.moved;
import static dev.ballast.lifecycle.MovedTagApprovalIT.tagKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.HoldingRole;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.MovedTagKind;
import dev.ballast.model.MovedTagOutcome;
import dev.ballast.model.TagKey;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.MovedTagRollouts;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * {@code refresh} on simulated instances with a real registry: a moved sidecar tag replaces every task gradually,
 * never below minimumHealthyPercent, and the pinned app container keeps its digest; a sidecar digest whose tasks fail
 * (its manifest is gone, so every pull by that digest fails) trips the circuit breaker, rolls back to the OLD sidecar
 * digest and stops the wave for that digest, and a newer digest starts a new wave. Tag states are written as the tag
 * watcher would.
 */
class MovedTagRefreshIT {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @Test
    void refreshBringsEveryTaskToTheMovedSidecarWithoutDroppingBelowMinimumHealthy() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server = TestServer.sqlite(c -> c.simulatedInstances(2));
                EcsClient ecs = server.client()) {
            String app = registry.images()
                    .push("demo/web:v1", TestImages.Format.OCI, "web-1")
                    .toString();
            String d1 = registry.images()
                    .push("demo/agent:stable", TestImages.Format.OCI, "agent-1")
                    .toString();
            Store store = server.server().store();
            register(ecs, registry, "web");
            String arn = createService(ecs, "web", 4, 75, 125);
            awaitAgent(store, arn, 4, d1);
            store.imagePolicies().put(arn, new ImageLifecyclePolicy(MissingImageAction.FAIL, true, false, 0, false));
            TagKey key = tagKey(registry.host() + "/demo/agent:stable");

            AtomicInteger lowest = new AtomicInteger(Integer.MAX_VALUE);
            AtomicInteger samples = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (sampling.get()) {
                    lowest.accumulateAndGet(running(store, arn).size(), Math::min);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(5); // a sample every few milliseconds: several per reconcile pass
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            String d2 = registry.images()
                    .moveTag("demo/agent:stable", TestImages.Format.OCI, "agent-2")
                    .toString();
            moved(store, key, d2, Clock.systemUTC());
            awaitAgent(store, arn, 4, d2);
            Eventually.await(
                    "the refresh rollout completed",
                    WAIT,
                    () -> store.movedTagRollouts().all().stream().anyMatch(r -> r.outcome() != null));
            sampling.set(false);
            sampler.join();

            assertThat(samples.get()).isGreaterThan(10);
            assertThat(lowest.get())
                    .as("running tasks at any sample (minimumHealthyPercent 75 of 4)")
                    .isGreaterThanOrEqualTo(3);
            assertThat(running(store, arn))
                    .allSatisfy(t -> assertThat(digest(t, "app")).isEqualTo(app));
            MovedTagRollouts.Rollout r = store.movedTagRollouts().all().getFirst();
            assertThat(r.kind()).isEqualTo(MovedTagKind.REFRESH);
            assertThat(r.outcome()).isEqualTo(MovedTagOutcome.COMPLETED);
            assertThat(r.previousDigest()).isEqualTo(d1);
            ContainerResolution agent = revisionOf(store, r.deploymentId()).stream()
                    .filter(c -> c.containerName().equals("agent"))
                    .findFirst()
                    .orElseThrow();
            assertThat(agent.launchImage()).isEqualTo(registry.host() + "/demo/agent:stable@" + d2);
            // the deployment it replaced is the rollback target, pinned at the digest its tasks ran (so it is kept)
            assertThat(new Holdings(store).ofService(arn))
                    .anyMatch(h -> h.role() == HoldingRole.ROLLBACK_TARGET
                            && h.container().containerName().equals("agent")
                            && d1.equals(h.digest()));
            assertThat(events(ecs, "web"))
                    .anyMatch(m -> m.equals("(service web) tag " + key + " moved to " + d2 + " (from " + d1
                            + "): refresh started deployment " + r.deploymentId() + "."));
        }
    }

    @Test
    void aFailingSidecarDigestTripsTheBreakerRollsBackToTheOldDigestAndStopsTheWave() {
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server =
                        TestServer.sqlite(c -> c.simulatedInstances(2).lifecycle(l -> l.withWaveSize(1)));
                EcsClient ecs = server.client()) {
            registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
            String d1 = registry.images()
                    .push("demo/agent:stable", TestImages.Format.OCI, "agent-1")
                    .toString();
            Store store = server.server().store();
            register(ecs, registry, "web");
            String a = createService(ecs, "a", 3, 50, 200);
            String b = createService(ecs, "b", 3, 50, 200);
            awaitAgent(store, a, 3, d1);
            awaitAgent(store, b, 3, d1);
            ImageLifecyclePolicy refresh = new ImageLifecyclePolicy(MissingImageAction.FAIL, true, false, 0, false);
            store.imagePolicies().put(a, refresh);
            store.imagePolicies().put(b, refresh);
            TagKey key = tagKey(registry.host() + "/demo/agent:stable");

            // a bad sidecar digest: its manifest is gone, so every task launched from it fails to start
            var bad = registry.images().moveTag("demo/agent:stable", TestImages.Format.OCI, "agent-bad");
            registry.images().delete("demo/agent", bad);
            moved(store, key, bad.toString(), Clock.systemUTC());

            Eventually.await(
                    "the first service's refresh failed",
                    WAIT,
                    () -> store.movedTagRollouts().all().stream().anyMatch(r -> r.outcome() == MovedTagOutcome.FAILED));
            MovedTagRollouts.Rollout failed = store.movedTagRollouts().all().getFirst();
            assertThat(failed.serviceArn()).isEqualTo(a);
            // the circuit breaker rolled back to tasks that run the OLD sidecar digest, not the tag
            awaitAgent(store, a, 3, d1);
            Eventually.await(
                    "the wave stops at the second service",
                    WAIT,
                    () -> events(ecs, "b").stream()
                            .anyMatch(m ->
                                    m.contains("moved to " + bad + "; not rolling: a rollout to that digest failed")));
            server.server().reconcilers().passOnce();
            assertThat(store.movedTagRollouts().all()).hasSize(1);
            assertThat(running(store, b))
                    .allSatisfy(t -> assertThat(digest(t, "agent")).isEqualTo(d1));
            assertThat(events(ecs, "a"))
                    .anyMatch(m -> m.contains("refresh to " + key + "@" + bad + " failed"))
                    .anyMatch(m -> m.contains("rolling back to deployment"));

            // a newer digest is a new wave: both services roll, one at a time
            String d4 = registry.images()
                    .moveTag("demo/agent:stable", TestImages.Format.OCI, "agent-4")
                    .toString();
            moved(store, key, d4, Clock.systemUTC());
            awaitAgent(store, a, 3, d4);
            awaitAgent(store, b, 3, d4);
            assertThat(store.movedTagRollouts().all())
                    .filteredOn(r -> r.digest().equals(d4))
                    .extracting(MovedTagRollouts.Rollout::serviceArn)
                    .containsExactlyInAnyOrder(a, b);
        }
    }

    static void register(EcsClient ecs, RegistryFixture registry, String family) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(
                        ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/web:v1")
                                .memory(16)
                                .build(),
                        ContainerDefinition.builder()
                                .name("agent")
                                .image(registry.host() + "/demo/agent:stable")
                                .memory(16)
                                .versionConsistency("disabled")
                                .build()));
    }

    static String createService(EcsClient ecs, String name, int desired, int min, int max) {
        return ecs.createService(r -> r.serviceName(name)
                        .taskDefinition("web")
                        .desiredCount(desired)
                        .deploymentConfiguration(d -> d.minimumHealthyPercent(min)
                                .maximumPercent(max)
                                .deploymentCircuitBreaker(cb -> cb.enable(true).rollback(true))))
                .service()
                .serviceArn();
    }

    /** Waits until exactly {@code n} tasks run, all with {@code digest} in their sidecar, and nothing else is live. */
    static void awaitAgent(Store store, String arn, int n, String digest) {
        Eventually.await(n + " tasks of " + arn + " running sidecar " + digest, WAIT, () -> {
            List<TaskRow> running = running(store, arn);
            return running.size() == n
                    && store.tasks().liveOfService(arn).size() == n
                    && running.stream().allMatch(t -> digest.equals(digest(t, "agent")));
        });
    }

    static List<TaskRow> running(Store store, String arn) {
        return store.tasks().liveOfService(arn).stream()
                .map(Versioned::value)
                .filter(t -> t.desiredStatus().equals(DesiredStatus.RUNNING.wire())
                        && t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .toList();
    }

    static String digest(TaskRow t, String container) {
        return t.containers().stream()
                .filter(c -> c.name().equals(container))
                .map(TaskRow.ContainerRow::imageDigest)
                .findFirst()
                .orElse(null);
    }

    private static List<ContainerResolution> revisionOf(Store store, String deploymentId) {
        String revision =
                store.deployments().find(deploymentId).orElseThrow().value().revisionArn();
        return store.revisions()
                .find(revision)
                .orElseThrow()
                .value()
                .resolution()
                .containers();
    }

    static List<String> events(EcsClient ecs, String service) {
        return ecs.describeServices(r -> r.services(service)).services().getFirst().events().stream()
                .map(ServiceEvent::message)
                .toList();
    }
}
