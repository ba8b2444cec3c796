package dev.ballast.lifecycle;

import static dev.ballast.lifecycle.MovedTagApprovalIT.moved;
import static dev.ballast.lifecycle.MovedTagApprovalIT.tagKey;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.RolloutState;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.MovedTagRollouts;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * An index that gained an arm64 child only is not a moved tag for {@code autoRedeploy}: every platform of the old
 * index has the same child in the new one (as the tag watcher recorded them; attestation manifests, {@code
 * unknown/unknown}, ignored), so nothing rolls; nor does a tag state last checked before the deployment was created;
 * an index whose amd64 child changed does roll.
 */
class MovedTagPlatformsIT {
    private static final String AMD64 = "sha256:" + "a".repeat(64);
    private static final String AMD64_NEW = "sha256:" + "c".repeat(64);
    private static final String ARM64 = "sha256:" + "b".repeat(64);
    private static final String GAINED_ARM64 = "sha256:" + "d".repeat(64);
    private static final String CHANGED_AMD64 = "sha256:" + "e".repeat(64);
    private static final String ATTESTATION_1 = "sha256:" + "1".repeat(64);
    private static final String ATTESTATION_2 = "sha256:" + "2".repeat(64);
    private static final String ATTESTATION_3 = "sha256:" + "3".repeat(64);

    @Test
    void anIndexThatOnlyGainedAPlatformDoesNotRollButAChangedPlatformDoes() {
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server = TestServer.sqlite(c -> c.simulatedInstances(0));
                EcsClient ecs = server.client()) {
            String image = registry.host() + "/demo/multi:stable";
            String index = registry.images()
                    .push("demo/multi:stable", TestImages.Format.OCI, "multi-1")
                    .toString();
            Store store = server.server().store();
            ecs.createCluster(r -> r.clusterName("default"));
            ecs.registerTaskDefinition(r -> r.family("multi")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(image)
                            .memory(16)
                            .build()));
            String arn = ecs.createService(
                            r -> r.serviceName("multi").taskDefinition("multi").desiredCount(0))
                    .service()
                    .serviceArn();
            Eventually.await(
                    "the first deployment completed",
                    Duration.ofSeconds(60),
                    () -> store.deployments()
                            .ofService(arn)
                            .getFirst()
                            .value()
                            .rolloutState()
                            .equals(RolloutState.COMPLETED.wire()));
            TagKey key = tagKey(image);
            store.imagePolicies().put(arn, new ImageLifecyclePolicy(MissingImageAction.FAIL, false, true, 0, false));
            // attestation manifests ("unknown/unknown") differ in every build: they are no platform a task runs
            store.indexPlatforms()
                    .record(
                            key.registry(),
                            key.repository(),
                            index,
                            Map.of("linux/amd64", AMD64, "unknown/unknown", ATTESTATION_1));
            store.indexPlatforms()
                    .record(
                            key.registry(),
                            key.repository(),
                            GAINED_ARM64,
                            Map.of(
                                    "linux/amd64",
                                    AMD64,
                                    "linux/arm64",
                                    ARM64,
                                    "unknown/unknown",
                                    ATTESTATION_2,
                                    "unknown/unknown#2",
                                    ATTESTATION_3));
            store.indexPlatforms()
                    .record(
                            key.registry(),
                            key.repository(),
                            CHANGED_AMD64,
                            Map.of("linux/amd64", AMD64_NEW, "linux/arm64", ARM64));

            moved(store, key, GAINED_ARM64, Clock.systemUTC());
            server.server().reconcilers().passOnce();
            server.server().reconcilers().passOnce();
            assertThat(store.movedTagRollouts().all()).isEmpty();
            assertThat(store.deployments().ofService(arn)).hasSize(1);

            // a state last checked before the deployment was created (e.g. left by a deleted service) is stale
            long created = store.deployments().ofService(arn).getFirst().value().createdAt();
            store.tagStates().delete(key);
            store.tagStates()
                    .record(new TagState(key, CHANGED_AMD64, null, null, created - 1, created - 1, TagSource.PUSH));
            server.server().reconcilers().passOnce();
            server.server().reconcilers().passOnce();
            assertThat(store.movedTagRollouts().all()).isEmpty();
            assertThat(store.deployments().ofService(arn)).hasSize(1);

            moved(store, key, CHANGED_AMD64, Clock.systemUTC());
            server.server().reconcilers().passOnce();
            assertThat(store.movedTagRollouts().all())
                    .extracting(MovedTagRollouts.Rollout::digest)
                    .containsExactly(CHANGED_AMD64);
        }
    }
}
