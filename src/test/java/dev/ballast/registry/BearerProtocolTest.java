package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.registry.RegistryException.Kind;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Bearer challenges, token caching and blob redirects against scripted servers. */
class BearerProtocolTest {

    static final byte[] BLOB = "layer bytes".getBytes(StandardCharsets.UTF_8);

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    ScriptedServer registry;
    ScriptedServer storage;

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    RegistryClient client() {
        return new RegistryClient(RegistryConfig.defaults().withClock(clock, d -> {}), new SimpleMeterRegistry());
    }

    /** A registry on one server that is also its own token realm; blobs redirect to {@code storage}. */
    ScriptedServer bearerRegistry(String storageBody) {
        storage = ScriptedServer.start(r -> new Reply(200, Map.of(), storageBody.getBytes(StandardCharsets.UTF_8)));
        return ScriptedServer.start(r -> {
            if (r.path().equals("/token")) {
                return Reply.json(
                        200,
                        "{\"access_token\":\"tok-"
                                + registry.count(x -> x.path().equals("/token")) + "\",\"expires_in\":120}");
            }
            if (r.header("Authorization")
                    .filter(a -> a.startsWith("Bearer tok-"))
                    .isEmpty()) {
                return Reply.of(401)
                        .with(
                                "WWW-Authenticate",
                                "Bearer realm=\"http://" + registry.host()
                                        + "/token\",service=\"scripted\",scope=\"repository:demo/app:pull\"");
            }
            if (r.path().contains("/blobs/")) {
                return Reply.of(307).with("Location", "http://localhost:" + storage.port() + "/storage/blob");
            }
            return Reply.of(200);
        });
    }

    ImageReference repo() {
        return ImageReference.parse(registry.host() + "/demo/app:v1");
    }

    @Test
    void anonymous_bearer_token_is_scoped_cached_and_not_sent_to_storage() {
        registry = bearerRegistry("layer bytes");
        RegistryClient c = client();
        Digest digest = Digest.sha256(BLOB);
        assertThat(c.blob(repo(), digest)).isEqualTo(BLOB);
        assertThat(c.blob(repo(), digest)).isEqualTo(BLOB);
        assertThat(registry.received())
                .filteredOn(r -> r.path().equals("/token"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.target())
                            .contains("service=scripted")
                            .contains("scope=repository%3Ademo%2Fapp%3Apull");
                    assertThat(r.header("Authorization")).isEmpty();
                });
        assertThat(registry.received())
                .filteredOn(r -> r.path().contains("/blobs/"))
                .extracting(r -> r.header("Authorization").orElse(""))
                .containsOnly("Bearer tok-1");
        assertThat(storage.received())
                .hasSize(2)
                .allSatisfy(r -> assertThat(r.header("Authorization")).isEmpty());

        clock.advance(Duration.ofSeconds(121));
        c.blob(repo(), digest);
        assertThat(registry.count(r -> r.path().equals("/token"))).isEqualTo(2);
    }

    @Test
    void a_redirected_blob_whose_bytes_differ_is_rejected() {
        registry = bearerRegistry("tampered bytes");
        Digest digest = Digest.sha256(BLOB);
        assertThatThrownBy(() -> client().blob(repo(), digest))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessageContaining("get blob " + registry.host() + "/demo/app@" + digest + ": blob body hashes to");
    }

    @Test
    void a_registry_that_never_accepts_the_token_is_unauthorized_after_one_refresh() {
        registry = ScriptedServer.start(r -> r.path().equals("/token")
                ? Reply.json(200, "{\"token\":\"t\"}")
                : Reply.of(401).with("WWW-Authenticate", "Bearer realm=\"http://" + registry.host() + "/token\""));
        assertThatThrownBy(() -> client().resolve(repo()))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                .hasMessageEndingWith("registry answered 401 after token refresh");
        assertThat(registry.count(r -> r.path().equals("/token"))).isEqualTo(2);
        assertThat(registry.count(r -> r.path().contains("/manifests/"))).isEqualTo(2);
    }
}
