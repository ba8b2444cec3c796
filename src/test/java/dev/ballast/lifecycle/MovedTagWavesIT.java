package dev.ballast.lifecycle;

import static dev.ballast.lifecycle.MovedTagApprovalIT.moved;
import static dev.ballast.lifecycle.MovedTagApprovalIT.tagKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.MovedTagKind;
import dev.ballast.model.MovedTagOutcome;
import dev.ballast.model.RolloutState;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.MovedTagRollouts;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * {@code autoRedeploy} of 20 services on a moved tag, on simulated instances with a real registry: at no sampled moment
 * do more than the wave size (5) have a moved-tag deployment in progress, the wave does fill up, and every service ends
 * on a deployment that resolved the tag again to the new digest.
 */
class MovedTagWavesIT {
    private static final int SERVICES = 20;
    private static final int WAVE = 5;

    @Test
    void autoRedeployOfTwentyServicesNeverExceedsTheWaveCap() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server = TestServer.sqlite(c -> c.simulatedInstances(2));
                EcsClient ecs = server.client()) {
            String image = registry.host() + "/demo/tool:stable";
            registry.images().push("demo/tool:stable", TestImages.Format.OCI, "tool-1");
            Store store = server.server().store();
            ecs.registerTaskDefinition(r -> r.family("tool")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(image)
                            .memory(16)
                            .build()));
            List<String> arns = new ArrayList<>();
            for (int i = 0; i < SERVICES; i++) {
                String name = "svc-" + i;
                arns.add(ecs.createService(
                                r -> r.serviceName(name).taskDefinition("tool").desiredCount(1))
                        .service()
                        .serviceArn());
            }
            Eventually.await(
                    "every service steady",
                    Duration.ofSeconds(180),
                    () -> arns.stream()
                            .allMatch(a -> primary(store, a).rolloutState().equals(RolloutState.COMPLETED.wire())
                                    && MovedTagRefreshIT.running(store, a).size() == 1));
            for (String a : arns) {
                store.imagePolicies().put(a, new ImageLifecyclePolicy(MissingImageAction.FAIL, false, true, 0, false));
            }

            AtomicInteger highest = new AtomicInteger();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = Thread.ofPlatform().start(() -> {
                while (sampling.get()) {
                    highest.accumulateAndGet(inProgress(store), Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            String d2 = registry.images()
                    .moveTag("demo/tool:stable", TestImages.Format.OCI, "tool-2")
                    .toString();
            moved(store, tagKey(image), d2, Clock.systemUTC());
            Eventually.await(
                    "all 20 rollouts completed",
                    Duration.ofSeconds(300),
                    () -> store.movedTagRollouts().all().stream()
                                    .filter(r -> r.outcome() == MovedTagOutcome.COMPLETED)
                                    .count()
                            == SERVICES);
            sampling.set(false);
            sampler.join();

            assertThat(highest.get())
                    .as("moved-tag deployments in progress at once")
                    .isBetween(2, WAVE);
            assertThat(store.movedTagRollouts().all())
                    .allSatisfy(r -> assertThat(r.kind()).isEqualTo(MovedTagKind.AUTO_REDEPLOY))
                    .extracting(MovedTagRollouts.Rollout::serviceArn)
                    .containsExactlyInAnyOrderElementsOf(arns);
            for (String a : arns) {
                String revision = primary(store, a).revisionArn();
                assertThat(store.revisions()
                                .find(revision)
                                .orElseThrow()
                                .value()
                                .resolution()
                                .containers())
                        .allSatisfy(c -> assertThat(c.imageDigest()).isEqualTo(d2));
            }
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(server.endpoint() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("ballast_moved_tag_rollouts_total{kind=\"autoRedeploy\",outcome=\"completed\"} 20.0")
                    .contains("ballast_moved_tag_rollouts_active ");
        }
    }

    private static DeploymentRow primary(Store store, String arn) {
        return store.deployments().ofService(arn).stream()
                .map(Versioned::value)
                .filter(d -> d.status().equals(DeploymentStatus.PRIMARY.wire()))
                .findFirst()
                .orElseThrow();
    }

    /** Deployments started by a moved tag whose rollout is still in progress, across services. */
    private static int inProgress(Store store) {
        int n = 0;
        for (MovedTagRollouts.Rollout r : store.movedTagRollouts().all()) {
            DeploymentRow d =
                    store.deployments().find(r.deploymentId()).orElseThrow().value();
            if (d.rolloutState().equals(RolloutState.IN_PROGRESS.wire())) {
                n++;
            }
        }
        return n;
    }
}
