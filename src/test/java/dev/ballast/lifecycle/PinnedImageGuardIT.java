package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.model.HoldingRole;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.Mode;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.MissingImage;
import dev.ballast.store.Store;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The pinned-image guard against a real registry with deletes enabled, through the AWS SDK, on simulated instances:
 * a deleted pinned digest is reported before the next launch, and the service's policy applies ({@code fail}: nothing
 * launches; {@code reresolve}: one new deployment on the tag's current digest); a deleted rollback target's digest is
 * reported by the sweep as a risk.
 */
class PinnedImageGuardIT {
    private GuardFixture f;

    @BeforeEach
    void start() {
        f = new GuardFixture();
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void withFailADeletedPinnedDigestStopsLaunchesAndTheEventSaysWhy() {
        Digest digest = f.registry.images().push("demo/fail:v1", TestImages.Format.OCI, "fail-1");
        f.register("fail", "demo/fail:v1", "enabled");
        f.ecs.createService(r -> r.serviceName("fail").taskDefinition("fail").desiredCount(1));
        f.awaitStable("fail");
        assertThat(f.tasksEver("fail")).isEqualTo(1);

        GuardFixture.Manifest bytes = f.manifest("demo/fail", digest.toString());
        f.registry.images().delete("demo/fail", digest);
        f.clock.advance(GuardFixture.PAST_TTL);
        f.ecs.updateService(r -> r.service("fail").desiredCount(3));

        String expected = "(service fail) cannot launch: image " + f.registry.host() + "/demo/fail:v1 (container app, "
                + "tag v1) pinned to " + digest
                + " is missing from its registry (registry answered 404 MANIFEST_UNKNOWN";
        Eventually.await("the guard's event", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return f.events("fail").stream().anyMatch(m -> m.startsWith(expected));
        });
        for (int i = 0; i < 5; i++) {
            f.clock.advance(GuardFixture.PAST_TTL); // answers expire: each launch asks again, still missing
            f.server.server().reconcilers().passOnce();
        }
        assertThat(f.tasksEver("fail"))
                .as("no task launched from the missing digest")
                .isEqualTo(1);
        assertThat(f.events("fail"))
                .filteredOn(m -> m.contains("cannot launch"))
                .singleElement()
                .asString()
                .endsWith("; push it again, or UpdateService --force-new-deployment to resolve the tag again.");
        assertThat(f.events("fail")).noneMatch(m -> m.contains("CannotPullContainerError"));
        Service s = f.service("fail");
        assertThat(s.runningCount()).isEqualTo(1);
        assertThat(s.deployments()).hasSize(1);
        assertThat(f.server.server().store().missingImages().find(f.registry.host(), "demo/fail", digest.toString()))
                .isPresent();
        assertThat(f.metric("ballast_missing_images{role=\"active-deployment\"}"))
                .isEqualTo(1);
        assertThat(f.metric("ballast_guard_checks_total{outcome=\"missing\"}")).isGreaterThanOrEqualTo(1);

        // pushed again (the same manifest, so the same digest): the next check clears it, the scale-out goes ahead
        f.put("demo/fail", "v1", bytes);
        f.clock.advance(GuardFixture.PAST_TTL);
        f.awaitStable("fail");
        assertThat(f.service("fail").runningCount()).isEqualTo(3);
        assertThat(f.server.server().store().missingImages().all()).isEmpty();
    }

    @Test
    void withReresolveTheServiceRecoversOnTheTagsCurrentDigestWithOneNewDeployment() {
        Digest old = f.registry.images().push("demo/re:v1", TestImages.Format.OCI, "re-1");
        f.register("re", "demo/re:v1", "enabled");
        String arn = f.ecs.createService(
                        r -> r.serviceName("re").taskDefinition("re").desiredCount(1))
                .service()
                .serviceArn();
        f.server
                .server()
                .store()
                .imagePolicies()
                .put(
                        arn,
                        new ImageLifecyclePolicy(
                                MissingImageAction.RERESOLVE,
                                false,
                                false,
                                ImageLifecyclePolicy.DEFAULT.cooldownSeconds(),
                                false));
        f.awaitStable("re");

        Digest current = f.registry.images().moveTag("demo/re:v1", TestImages.Format.OCI, "re-2");
        f.registry.images().delete("demo/re", old);
        f.clock.advance(GuardFixture.PAST_TTL);
        f.ecs.updateService(r -> r.service("re").desiredCount(2));

        Eventually.await("recovered on the tag's current digest", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return f.stable("re") && f.service("re").runningCount() == 2;
        });
        Service s = f.service("re");
        Deployment primary = s.deployments().getFirst();
        List<String> digests = f
                .ecs
                .describeServiceRevisions(r -> r.serviceRevisionArns(
                        s.currentServiceRevisions().getFirst().arn()))
                .serviceRevisions()
                .getFirst()
                .containerImages()
                .stream()
                .map(c -> c.imageDigest())
                .toList();
        assertThat(digests).containsExactly(current.toString());
        assertThat(f.ecs.listServiceDeployments(r -> r.service("re")).serviceDeployments())
                .as("the first deployment and exactly one the guard started")
                .hasSize(2);
        assertThat(f.events("re"))
                .anyMatch(m -> m.startsWith("(service re) started deployment " + primary.id()
                        + " to resolve its images again: " + old + " (container app) is gone from its registry"
                        + " (policy onMissingImage reresolve)."))
                .anyMatch(m -> m.contains("pinned to " + old + " is missing from its registry")
                        && m.endsWith("a new deployment resolves the tag again (policy onMissingImage reresolve)."))
                .noneMatch(m -> m.contains("cannot launch"));
        assertThat(f.events("re")).noneMatch(m -> m.contains("CannotPullContainerError"));
    }

    @Test
    void withReresolveATagThatIsGoneTooFailsTheNewDeploymentOnceWithoutALoop() {
        Digest only = f.registry.images().push("demo/gone:v1", TestImages.Format.OCI, "gone-1");
        f.register("gone", "demo/gone:v1", "enabled");
        String arn = f.ecs.createService(
                        r -> r.serviceName("gone").taskDefinition("gone").desiredCount(1))
                .service()
                .serviceArn();
        f.server
                .server()
                .store()
                .imagePolicies()
                .put(arn, new ImageLifecyclePolicy(MissingImageAction.RERESOLVE, false, false, 300, false));
        f.awaitStable("gone");
        f.registry.images().delete("demo/gone", only); // removes the tag as well
        f.clock.advance(GuardFixture.PAST_TTL);
        f.ecs.updateService(r -> r.service("gone").desiredCount(2));
        Eventually.await("the new deployment failed to resolve", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return "FAILED".equals(f.service("gone").deployments().getFirst().rolloutStateAsString());
        });
        for (int i = 0; i < 5; i++) {
            f.clock.advance(GuardFixture.PAST_TTL);
            f.server.server().reconcilers().passOnce();
        }
        assertThat(f.ecs.listServiceDeployments(r -> r.service("gone")).serviceDeployments())
                .as("one re-resolution, no loop")
                .hasSize(2);
        assertThat(f.tasksEver("gone")).isEqualTo(1);
    }

    @Test
    void aDeletedRollbackTargetDigestIsReportedByTheSweepAsARisk() {
        Digest first = f.registry.images().push("demo/rb:v1", TestImages.Format.OCI, "rb-1");
        f.registry.images().push("demo/rb:v2", TestImages.Format.OCI, "rb-2");
        f.register("rb", "demo/rb:v1", "enabled");
        f.ecs.createService(r -> r.serviceName("rb").taskDefinition("rb").desiredCount(1));
        f.awaitStable("rb");
        String target = f.service("rb").deployments().getFirst().id();
        f.register("rb", "demo/rb:v2", "enabled");
        f.ecs.updateService(r -> r.service("rb").taskDefinition("rb:2"));
        f.awaitStable("rb");
        assertThat(f.service("rb").deployments().getFirst().id()).isNotEqualTo(target);

        f.registry.images().delete("demo/rb", first);
        f.clock.advance(GuardFixture.PAST_TTL);
        String expected = "(service rb) rollback to deployment " + target + " would fail: image "
                + f.registry.host() + "/demo/rb:v1 (container app, tag v1) pinned to " + first
                + " is missing from its registry (registry answered 404 MANIFEST_UNKNOWN";
        Eventually.await("the sweep's risk event", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce(); // runs the sweep job
            return f.events("rb").stream().anyMatch(m -> m.startsWith(expected));
        });
        f.server.server().reconcilers().passOnce();
        assertThat(f.metric("ballast_missing_images{role=\"rollback-target\"}")).isEqualTo(1);
        assertThat(f.metric("ballast_missing_images{role=\"active-deployment\"}"))
                .isZero();
        assertThat(f.stable("rb")).as("no other action").isTrue();
        assertThat(f.ecs.listServiceDeployments(r -> r.service("rb")).serviceDeployments())
                .hasSize(2);
    }

    @Test
    void aDigestRecordedMissingByANotificationBlocksAtOnceWithoutARequestUntilARecheckSeesIt() {
        Digest digest = f.registry.images().push("demo/note:v1", TestImages.Format.OCI, "note-1");
        f.register("note", "demo/note:v1", "enabled");
        f.ecs.createService(r -> r.serviceName("note").taskDefinition("note").desiredCount(1));
        f.awaitStable("note");
        double checks = f.metric("ballast_guard_checks_total{outcome=\"present\"}")
                + f.metric("ballast_guard_checks_total{outcome=\"missing\"}");
        // what the notification endpoint writes for a registry's delete event (here the digest is in fact still there)
        f.server
                .server()
                .store()
                .missingImages()
                .mark(new MissingImage(
                        f.registry.host(), "demo/note", digest.toString(), f.clock.millis(), "notification"));
        f.ecs.updateService(r -> r.service("note").desiredCount(2));
        Eventually.await("the guard's event", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return f.events("note").stream()
                    .anyMatch(m -> m.contains("cannot launch") && m.contains("(the registry's delete notification)"));
        });
        assertThat(f.tasksEver("note")).isEqualTo(1);
        assertThat(f.metric("ballast_guard_checks_total{outcome=\"present\"}")
                        + f.metric("ballast_guard_checks_total{outcome=\"missing\"}"))
                .as("no registry request for a digest a notification reported gone")
                .isEqualTo(checks);

        f.clock.advance(GuardFixture.PAST_TTL); // the record is older than the answer reuse: asked again, present
        f.awaitStable("note");
        assertThat(f.service("note").runningCount()).isEqualTo(2);
        assertThat(f.server.server().store().missingImages().all()).isEmpty();
    }

    @Test
    void withReresolveTheSweepRedeploysASteadyServiceBeforeAnyLaunchIsNeeded() {
        Digest old = f.registry.images().push("demo/calm:v1", TestImages.Format.OCI, "calm-1");
        f.register("calm", "demo/calm:v1", "enabled");
        String arn = f.ecs.createService(
                        r -> r.serviceName("calm").taskDefinition("calm").desiredCount(1))
                .service()
                .serviceArn();
        f.server
                .server()
                .store()
                .imagePolicies()
                .put(arn, new ImageLifecyclePolicy(MissingImageAction.RERESOLVE, false, false, 300, false));
        f.awaitStable("calm");
        String first = f.service("calm").deployments().getFirst().id();

        Digest current = f.registry.images().moveTag("demo/calm:v1", TestImages.Format.OCI, "calm-2");
        f.registry.images().delete("demo/calm", old);
        f.clock.advance(GuardFixture.PAST_TTL);
        Eventually.await("a new deployment on the tag's current digest", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce(); // the sweep job finds it; no scale-out, no launch asked
            if (!f.stable("calm")
                    || f.service("calm").deployments().getFirst().id().equals(first)) {
                return false;
            }
            // the new revision's record is resolved (a stable service may still show the old one for a pass)
            String revision =
                    f.service("calm").currentServiceRevisions().getFirst().arn();
            var images = f.ecs.describeServiceRevisions(r -> r.serviceRevisionArns(revision))
                    .serviceRevisions()
                    .getFirst()
                    .containerImages();
            return !images.isEmpty()
                    && current.toString().equals(images.getFirst().imageDigest());
        });
        assertThat(f.ecs.listServiceDeployments(r -> r.service("calm")).serviceDeployments())
                .hasSize(2);
    }

    @Test
    void withReresolveAndABreakerThatRollsBackAGoneDigestAndTagRedeployOnceWithoutALoop() {
        Digest only = f.registry.images().push("demo/loop:v1", TestImages.Format.OCI, "loop-1");
        f.register("loop", "demo/loop:v1", "enabled");
        String arn = f.ecs.createService(r -> r.serviceName("loop")
                        .taskDefinition("loop")
                        .desiredCount(1)
                        .deploymentConfiguration(c ->
                                c.deploymentCircuitBreaker(b -> b.enable(true).rollback(true))))
                .service()
                .serviceArn();
        f.server
                .server()
                .store()
                .imagePolicies()
                .put(arn, new ImageLifecyclePolicy(MissingImageAction.RERESOLVE, false, false, 300, false));
        f.awaitStable("loop");
        f.registry.images().delete("demo/loop", only); // removes the tag as well
        f.clock.advance(GuardFixture.PAST_TTL);
        f.ecs.updateService(r -> r.service("loop").desiredCount(2));
        Eventually.await("the re-resolution failed and was rolled back", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return f.ecs.listServiceDeployments(r -> r.service("loop"))
                            .serviceDeployments()
                            .size()
                    >= 3;
        });
        for (int i = 0; i < 8; i++) {
            f.clock.advance(GuardFixture.PAST_TTL);
            f.server.server().reconcilers().passOnce();
        }
        assertThat(f.ecs.listServiceDeployments(r -> r.service("loop")).serviceDeployments())
                .as("the first, one re-resolution and the breaker's rollback to the first revision: no loop")
                .hasSize(3);
        assertThat(f.events("loop"))
                .filteredOn(m -> m.contains("a new deployment resolves the tag again"))
                .hasSize(1);
    }

    @Test
    void aDisabledContainerPinnedByARefreshLaunchesFromItsTagWhenTheDigestIsGoneEvenUnderFail() {
        f.registry.images().push("demo/side:stable", TestImages.Format.OCI, "side-1");
        f.register("side", "demo/side:stable", "disabled");
        String arn = f.ecs.createService(
                        r -> r.serviceName("side").taskDefinition("side").desiredCount(1))
                .service()
                .serviceArn();
        Store store = f.server.server().store();
        store.imagePolicies().put(arn, new ImageLifecyclePolicy(MissingImageAction.FAIL, true, false, 0, false));
        f.awaitStable("side");
        String first = f.service("side").deployments().getFirst().id();
        Digest moved = f.registry.images().moveTag("demo/side:stable", TestImages.Format.OCI, "side-2");
        MovedTagApprovalIT.moved(
                store, MovedTagApprovalIT.tagKey(f.registry.host() + "/demo/side:stable"), moved.toString(), f.clock);
        Eventually.await("the refresh deployment", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return f.stable("side")
                    && !f.service("side").deployments().getFirst().id().equals(first);
        });
        assertThat(new Holdings(store).ofService(arn))
                .as("the refresh pinned the disabled container")
                .anyMatch(h -> h.role() == HoldingRole.ACTIVE
                        && h.container().mode() == Mode.DISABLED
                        && moved.toString().equals(h.digest()));

        f.registry.images().moveTag("demo/side:stable", TestImages.Format.OCI, "side-3");
        f.registry.images().delete("demo/side", moved);
        f.clock.advance(GuardFixture.PAST_TTL);
        f.ecs.updateService(r -> r.service("side").desiredCount(2));
        Eventually.await("two tasks from the tag", GuardFixture.WAIT, () -> {
            f.server.server().reconcilers().passOnce();
            return f.stable("side") && f.service("side").runningCount() == 2;
        });
        assertThat(f.events("side"))
                .anyMatch(m -> m.endsWith("a new deployment resolves the tag again (container app is disabled and"
                        + " launches from its tag)."))
                .noneMatch(m -> m.contains("cannot launch"));
    }

    @Test
    void aCheckInFlightIsNotAskedForAgainAndSpendsNoMoreOfTheRequestBudget() throws Exception {
        f.registry.images().push("demo/busy:v1", TestImages.Format.OCI, "busy-1");
        f.register("busy", "demo/busy:v1", "enabled");
        f.ecs.createService(r -> r.serviceName("busy").taskDefinition("busy").desiredCount(1));
        f.awaitStable("busy");
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger tokens = new AtomicInteger();
        // every registry request goes through a proxy that holds it until released: the check stays in flight
        try (ScriptedServer stall = ScriptedServer.start(request -> {
                    release.await();
                    return ScriptedServer.Reply.of(503);
                });
                PinnedImageGuard guard = new PinnedImageGuard(
                        f.server.server().store(),
                        new RegistryClient(
                                RegistryConfig.defaults(),
                                new SimpleMeterRegistry(),
                                HttpClient.newBuilder()
                                        .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", stall.port())))
                                        .build()),
                        null, // no digest is missing here: nothing is redeployed
                        f.clock,
                        Duration.ofSeconds(30),
                        registry -> {
                            tokens.incrementAndGet();
                            return true;
                        },
                        () -> {},
                        new SimpleMeterRegistry())) {
            f.clock.advance(GuardFixture.PAST_TTL);
            guard.sweep();
            assertThat(guard.inFlight()).isEqualTo(1);
            for (int i = 0; i < 4; i++) {
                guard.sweep();
            }
            assertThat(tokens.get()).as("one token for the one request").isEqualTo(1);
            release.countDown();
        }
    }
}
