package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.MissingImage;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * A real CNCF distribution registry configured to notify the server ({@code notifications.endpoints} with the token
 * header, {@link RegistryFixture#startNotifying}): a push to a watched tag changes its tag state, a delete of a held
 * digest marks it missing, a push of the same manifest clears the mark, pushes to unwatched tags change nothing.
 * Latencies are printed (measured, not asserted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RegistryNotificationsIT {
    private static final String TOKEN = "registry-notify-test-token";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private TestServer server;
    private RegistryFixture registry;
    private EcsClient ecs;
    private Store store;

    @BeforeAll
    void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(0).lifecycle(l -> l.withNotificationToken(TOKEN)));
        registry = RegistryFixture.startNotifying(server.endpoint().resolve("/registry-notifications"), TOKEN);
        ecs = server.client();
        store = server.server().store();
        ecs.createCluster(r -> r.clusterName("default"));
    }

    @AfterAll
    void stop() {
        ecs.close();
        registry.close();
        server.close();
    }

    @Test
    void aPushToAWatchedTagChangesItsStateAndADeleteOfAHeldDigestMarksItMissing() {
        Digest v1 = registry.images().push("demo/app:v1", TestImages.Format.OCI, "app-1");
        String arn = pinnedService("web", "demo/app:v1");
        awaitHeld(arn, v1);
        TagKey key = new TagKey(registry.host(), "demo/app", "v1");

        // an unwatched tag first: the registry sends in order, so once the watched push is seen this one was too
        registry.images().push("demo/other:v1", TestImages.Format.OCI, "other-1");
        long pushed = System.nanoTime();
        Digest v2 = registry.images().moveTag("demo/app:v1", TestImages.Format.OCI, "app-2");
        Eventually.await(
                "the moved tag's state",
                WAIT,
                () -> state(key).map(s -> s.digest().equals(v2.toString())).orElse(false));
        System.out.printf(
                "push -> tag state visible: %.0f ms (skopeo's copy included)%n", (System.nanoTime() - pushed) / 1e6);
        TagState moved = state(key).orElseThrow();
        assertThat(moved.source()).isEqualTo(TagSource.PUSH);
        assertThat(moved.mediaType()).isEqualTo("application/vnd.oci.image.manifest.v1+json");
        assertThat(state(new TagKey(registry.host(), "demo/other", "v1")))
                .as("unwatched")
                .isEmpty();
        assertThat(store.missingImages().all()).isEmpty();

        // the deployment still holds v1 (pinned); keep a copy of the manifest elsewhere, then delete it
        registry.images().copy("demo/app@" + v1, "demo/keep:v1");
        assertThat(registry.images().inspectDigest("demo/keep:v1")).isEqualTo(v1);
        long deleted = System.nanoTime();
        registry.images().delete("demo/app", v1);
        Eventually.await(
                "v1 marked missing", WAIT, () -> missing("demo/app", v1).isPresent());
        System.out.printf(
                "delete -> missing mark: %.0f ms (skopeo's delete included)%n", (System.nanoTime() - deleted) / 1e6);
        assertThat(missing("demo/app", v1).orElseThrow().source()).isEqualTo(RegistryNotifications.SOURCE);
        assertThat(state(key).orElseThrow().digest())
                .as("v1 no longer names the deleted digest's tag")
                .isEqualTo(v2.toString());

        // the same manifest pushed back (by digest and tag): no longer missing, and the tag points there again
        registry.images().copy("demo/keep:v1", "demo/app:v1");
        Eventually.await("v1 back", WAIT, () -> missing("demo/app", v1).isEmpty());
        Eventually.await(
                "the tag back on v1",
                WAIT,
                () -> state(key).map(s -> v1.toString().equals(s.digest())).orElse(false));
    }

    @Test
    void aDeletedWatchedTagIsRecordedAsGone() {
        Digest d = registry.images().push("demo/gone:v1", TestImages.Format.DOCKER, "gone-1");
        String arn = pinnedService("gone", "demo/gone:v1");
        awaitHeld(arn, d);
        TagKey key = new TagKey(registry.host(), "demo/gone", "v1");
        Digest d2 = registry.images().moveTag("demo/gone:v1", TestImages.Format.DOCKER, "gone-2");
        Eventually.await(
                "moved",
                WAIT,
                () -> state(key).map(s -> d2.toString().equals(s.digest())).orElse(false));
        assertThat(state(key).orElseThrow().mediaType())
                .isEqualTo("application/vnd.docker.distribution.manifest.v2+json");

        registry.images().delete("demo/gone", d2); // not held: the tag goes with it, nothing is marked missing
        Eventually.await(
                "the tag recorded as gone",
                WAIT,
                () -> state(key).map(s -> s.digest() == null).orElse(false));
        assertThat(missing("demo/gone", d2)).isEmpty();
        assertThat(missing("demo/gone", d)).isEmpty();
    }

    @Test
    void anIndexPushRecordsTheIndexNotItsUntaggedChildren() {
        Digest first = registry.images().pushIndex("demo/multi:v1", TestImages.Format.OCI, "multi-1");
        String arn = pinnedService("multi", "demo/multi:v1");
        awaitHeld(arn, first);
        TagKey key = new TagKey(registry.host(), "demo/multi", "v1");
        Digest second = registry.images().pushIndex("demo/multi:v1", TestImages.Format.OCI, "multi-2");
        Eventually.await(
                "the index's state",
                WAIT,
                () -> state(key).map(s -> second.toString().equals(s.digest())).orElse(false));
        assertThat(state(key).orElseThrow().mediaType()).isEqualTo("application/vnd.oci.image.index.v1+json");
    }

    private String pinnedService(String name, String repoTag) {
        ecs.registerTaskDefinition(r -> r.family(name)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/" + repoTag)
                        .memory(16)
                        .build()));
        return ecs.createService(r -> r.serviceName(name).taskDefinition(name).desiredCount(0))
                .service()
                .serviceArn();
    }

    private void awaitHeld(String serviceArn, Digest digest) {
        Eventually.await(
                serviceArn + " holding " + digest,
                WAIT,
                () -> new Holdings(store)
                        .ofService(serviceArn).stream()
                                .anyMatch(h -> digest.toString().equals(h.digest())));
    }

    private Optional<TagState> state(TagKey key) {
        return store.tagStates().find(key);
    }

    private Optional<MissingImage> missing(String repository, Digest digest) {
        return store.missingImages().find(registry.host(), repository, digest.toString());
    }
}
