package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.store.MissingImage;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestImages;
import java.util.List;
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
            return f.stable("calm")
                    && !f.service("calm").deployments().getFirst().id().equals(first);
        });
        String revision = f.service("calm").currentServiceRevisions().getFirst().arn();
        assertThat(f.ecs.describeServiceRevisions(r -> r.serviceRevisionArns(revision))
                        .serviceRevisions()
                        .getFirst()
                        .containerImages()
                        .getFirst()
                        .imageDigest())
                .isEqualTo(current.toString());
        assertThat(f.ecs.listServiceDeployments(r -> r.service("calm")).serviceDeployments())
                .hasSize(2);
    }
}
