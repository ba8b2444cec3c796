package dev.ballast.lifecycle;

import static dev.ballast.lifecycle.MovedTagApprovalIT.moved;
import static dev.ballast.lifecycle.MovedTagApprovalIT.tagKey;
import static dev.ballast.lifecycle.MovedTagRefreshIT.awaitAgent;
import static dev.ballast.lifecycle.MovedTagRefreshIT.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.RuntimeChoice;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.MovedTagOutcome;
import dev.ballast.model.StopCause;
import dev.ballast.store.Store;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.HealthCheck;

/**
 * On a real engine (Podman): a moved sidecar tag whose new image fails its health check — the check reads the
 * image's {@code /etc/app-version}, so it depends on the digest, not on the task definition — trips the circuit
 * breaker of the refresh deployment, which rolls back to tasks running the OLD sidecar digest, and the (tag, digest)
 * is halted: no further rollout to it.
 */
class MovedTagHealthBreakerIT {
    private static final Duration WAIT = Duration.ofSeconds(240);

    @Test
    void aSidecarDigestThatFailsItsHealthCheckTripsTheBreakerAndRollsBackToTheOldDigest() {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host())) {
            registry.images().pushRunnable("demo/busy:v1", TestImages.Format.DOCKER, "app-v1");
            String good = registry.images()
                    .pushRunnable("demo/side:stable", TestImages.Format.DOCKER, "side-good")
                    .toString();
            try (TestServer server = TestServer.sqlite(
                            c -> c.runtime(RuntimeChoice.DOCKER).dockerHost(podman.dockerHost()));
                    EcsClient ecs = server.client()) {
                Store store = server.server().store();
                ecs.registerTaskDefinition(r -> r.family("web")
                        .containerDefinitions(
                                ContainerDefinition.builder()
                                        .name("app")
                                        .image(registry.host() + "/demo/busy:v1")
                                        .memory(32)
                                        .stopTimeout(1)
                                        .build(),
                                ContainerDefinition.builder()
                                        .name("agent")
                                        .image(registry.host() + "/demo/side:stable")
                                        .memory(32)
                                        .stopTimeout(1)
                                        .versionConsistency("disabled")
                                        .healthCheck(HealthCheck.builder()
                                                // busybox sh builtins only: the image's version must not be "side-bad"
                                                .command(
                                                        "CMD-SHELL",
                                                        "read v < /etc/app-version; test \"$v\" != side-bad")
                                                .interval(5)
                                                .timeout(3)
                                                .retries(1)
                                                .build())
                                        .build()));
                String arn = MovedTagRefreshIT.createService(ecs, "web", 2, 50, 200);
                awaitAgent(store, arn, 2, good);
                store.imagePolicies()
                        .put(arn, new ImageLifecyclePolicy(MissingImageAction.FAIL, true, false, 0, false));

                String bad = registry.images()
                        .pushRunnable("demo/side:stable", TestImages.Format.DOCKER, "side-bad")
                        .toString();
                moved(store, tagKey(registry.host() + "/demo/side:stable"), bad, Clock.systemUTC());

                Eventually.await(
                        "the refresh failed",
                        WAIT,
                        () -> store.movedTagRollouts().all().stream()
                                .anyMatch(r -> r.outcome() == MovedTagOutcome.FAILED));
                String failed = store.movedTagRollouts().all().getFirst().deploymentId();
                assertThat(store.tasks().stoppedOfDeployment(failed, 100))
                        .anyMatch(t -> t.stopCause() == StopCause.HEALTH_CHECK_FAILED);
                // rolled back to tasks that run the old sidecar digest (the tag itself serves the bad one)
                awaitAgent(store, arn, 2, good);
                assertThat(events(ecs, "web"))
                        .anyMatch(m -> m.contains("rolling back to deployment"))
                        .anyMatch(m -> m.contains("failed container health checks"));
                // the rollback is a deployment newer than the tag's last check: the move counts again (and is
                // reported as halted) once the tag is seen again, here the watcher's next pass
                server.server().tagWatcher().passOnce();
                Eventually.await(
                        "the halt reported",
                        WAIT,
                        () -> events(ecs, "web").stream()
                                .anyMatch(m -> m.contains("moved to " + bad + "; not rolling")));
                assertThat(store.movedTagRollouts().all()).hasSize(1);
            }
        }
    }
}
