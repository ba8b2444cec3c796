package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.registry.RegistryException.Kind;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TokenServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The tag HEAD with {@code If-None-Match} and the index's platform children against the real CNCF registry; the
 * counting proxy ({@link ForwardingScript}) shows what reached it.
 */
class TagHeadIT {

    static RegistryClient client() {
        return new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
    }

    @Test
    void the_registry_gives_an_etag_and_answers_304_to_if_none_match_on_head_until_the_tag_moves() {
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()))) {
            Digest v1 = registry.images().push("watch/app:v1", Format.OCI, "etag-1");
            ImageReference ref = ImageReference.parse(proxy.host() + "/watch/app:v1");
            RegistryClient c = client();

            TagHead first = c.headTag(ref, null);
            assertThat(first.digest()).isEqualTo(v1);
            assertThat(first.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
            assertThat(first.notModified()).isFalse();
            // distribution's ETag is the quoted digest
            assertThat(first.etag()).isEqualTo("\"" + v1 + "\"");

            TagHead again = c.headTag(ref, first);
            assertThat(again.notModified())
                    .as("304 Not Modified to a HEAD with If-None-Match")
                    .isTrue();
            assertThat(again.digest()).isEqualTo(v1);

            Digest v2 = registry.images().moveTag("watch/app:v1", Format.OCI, "etag-2");
            TagHead moved = c.headTag(ref, again);
            assertThat(moved.notModified()).isFalse();
            assertThat(moved.digest()).isEqualTo(v2).isNotEqualTo(v1);
            assertThat(moved.etag()).isEqualTo("\"" + v2 + "\"");

            assertThat(proxy.received())
                    .filteredOn(ForwardingScript::isManifest)
                    .extracting(
                            r -> r.method() + " " + r.header("If-None-Match").orElse("-"))
                    .containsExactly("HEAD -", "HEAD \"" + v1 + "\"", "HEAD \"" + v1 + "\"");
        }
    }

    @Test
    void an_unknown_tag_is_not_found_without_a_get() {
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()))) {
            registry.images().push("watch/app:v1", Format.OCI, "exists");
            assertThatThrownBy(() -> client().headTag(ImageReference.parse(proxy.host() + "/watch/app:nope"), null))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
            assertThatThrownBy(() -> client().headTag(ImageReference.parse(proxy.host() + "/watch/none:v1"), null))
                    .isInstanceOfSatisfying(
                            RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
            assertThat(proxy.received())
                    .filteredOn(ForwardingScript::isManifest)
                    .extracting(ScriptedServer.Received::method)
                    .containsOnly("HEAD");
        }
    }

    @Test
    void an_index_heads_as_an_index_and_its_platform_children_come_from_one_get_by_digest() {
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer proxy = ScriptedServer.start(new ForwardingScript(registry.baseUri()))) {
            Digest index = registry.images().pushIndex("watch/multi:v1", Format.DOCKER, "idx");
            ImageReference ref = ImageReference.parse(proxy.host() + "/watch/multi:v1");
            RegistryClient c = client();
            TagHead head = c.headTag(ref, null);
            assertThat(head.digest()).isEqualTo(index);
            assertThat(head.isIndex()).isTrue();
            assertThat(head.mediaType()).isEqualTo(MediaTypes.DOCKER_MANIFEST_LIST);
            List<Platform> platforms = c.indexPlatforms(ref.withDigest(index));
            assertThat(platforms).extracting(Platform::name).containsExactly("linux/amd64", "linux/arm64");
            assertThat(proxy.received())
                    .filteredOn(ForwardingScript::isManifest)
                    .extracting(
                            r -> r.method() + " " + r.path().substring(r.path().lastIndexOf('/') + 1))
                    .containsExactly("HEAD v1", "GET " + index);
        }
    }

    @Test
    void heads_of_a_watched_tag_reuse_one_token_per_repository() {
        MutableClock clock = new MutableClock(Instant.now());
        try (TokenServer tokens = TokenServer.start();
                RegistryFixture registry = RegistryFixture.startWithTokenAuth(tokens)) {
            registry.images().push("watch/a:v1", Format.OCI, "token-a");
            registry.images().push("watch/b:v1", Format.OCI, "token-b");
            tokens.lifetime(Duration.ofSeconds(300));
            RegistryClient c =
                    new RegistryClient(RegistryConfig.defaults().withClock(clock, d -> {}), new SimpleMeterRegistry());
            int before = tokens.requestedScopes().size();
            TagHead a = null;
            TagHead b = null;
            for (int pass = 0; pass < 10; pass++) {
                a = c.headTag(registry.reference("watch/a:v1"), a);
                b = c.headTag(registry.reference("watch/b:v1"), b);
                clock.advance(Duration.ofSeconds(20));
            }
            assertThat(a.notModified()).isTrue();
            assertThat(tokens.requestedScopes()
                            .subList(before, tokens.requestedScopes().size()))
                    .as("20 HEADs over 200 s, tokens valid 300 s: one token per repository")
                    .containsExactly("repository:watch/a:pull", "repository:watch/b:pull");
            clock.advance(Duration.ofSeconds(101));
            c.headTag(registry.reference("watch/a:v1"), a);
            assertThat(tokens.requestedScopes().size() - before).isEqualTo(3);
        }
    }

    @Test
    void a_refused_registry_gets_no_head() {
        RegistryClient c = new RegistryClient(
                RegistryConfig.defaults().withAccess(RegistryAccess.of(List.of("allowed.example"))),
                new SimpleMeterRegistry());
        assertThatThrownBy(() -> c.headTag(ImageReference.parse("other.example/x/y:v1"), null))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REFUSED));
    }
}
