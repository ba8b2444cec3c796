package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.registry.RegistryException.Kind;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Received;
import dev.ballast.testing.ScriptedServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Protocol edge cases against a scripted local server. */
class RegistryProtocolTest {

    static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                    + "\",\"config\":{},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    static final Digest DIGEST = Digest.sha256(MANIFEST);

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    ScriptedServer server;
    ScriptedServer other;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        if (other != null) {
            other.close();
        }
    }

    RegistryClient client(RegistryConfig config) {
        return new RegistryClient(config.withClock(clock, sleeps::add), new SimpleMeterRegistry());
    }

    RegistryClient client() {
        return client(RegistryConfig.defaults());
    }

    ImageReference ref(String s) {
        return ImageReference.parse(server.host() + "/" + s);
    }

    static boolean isManifest(Received r) {
        return r.path().contains("/manifests/");
    }

    static Reply manifestReply(Received r, boolean withDigest) {
        Reply reply = new Reply(200, Map.of(), MANIFEST).with("Content-Type", MediaTypes.OCI_MANIFEST);
        return withDigest ? reply.with("Docker-Content-Digest", DIGEST.toString()) : reply;
    }

    @Test
    void rate_limited_answers_honour_retry_after_seconds_then_succeed() {
        AtomicInteger heads = new AtomicInteger();
        server = ScriptedServer.start(r -> {
            if (isManifest(r) && heads.incrementAndGet() == 1) {
                return Reply.json(429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}")
                        .with("Retry-After", "7");
            }
            return isManifest(r) ? manifestReply(r, true) : Reply.of(200);
        });
        assertThat(client().resolve(ref("demo/app:v1")).digest()).isEqualTo(DIGEST);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void retry_after_as_an_http_date_is_honoured_within_the_budget() {
        String inTen = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                clock.instant().plusSeconds(10).atOffset(ZoneOffset.UTC));
        server = ScriptedServer.start(r -> isManifest(r) ? Reply.of(429).with("Retry-After", inTen) : Reply.of(200));
        RegistryConfig config = RegistryConfig.defaults()
                .withRetries(3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(20));
        assertThatThrownBy(() -> client(config).resolve(ref("demo/app:v1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.retryAt()).contains(clock.instant().plusSeconds(10));
                })
                .hasMessageContaining("registry answered 429 and asks to wait until "
                        + clock.instant().plusSeconds(10));
        assertThat(sleeps).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(10));
        assertThat(server.count(r -> isManifest(r) && r.method().equals("HEAD")))
                .isEqualTo(3);
    }

    @Test
    void retry_after_beyond_the_budget_ends_the_attempt_at_once_saying_until_when() {
        server = ScriptedServer.start(r -> isManifest(r)
                ? Reply.json(429, "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}")
                        .with("Retry-After", "3600")
                : Reply.of(200));
        RegistryConfig config = RegistryConfig.defaults()
                .withRetries(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60));
        Instant until = clock.instant().plusSeconds(3600);
        assertThatThrownBy(() -> client(config).resolve(ref("demo/app:v1")))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.retryAt()).contains(until);
                })
                .hasMessage("resolve " + server.host() + "/demo/app:v1: registry answered 429 and asks to wait until "
                        + until); // a HEAD answer has no error body
        assertThat(sleeps).as("no sleeping for a wait beyond the budget").isEmpty();
        assertThat(server.count(RegistryProtocolTest::isManifest)).isEqualTo(1);
    }

    @Test
    void head_without_digest_header_falls_back_to_get_and_hashes_the_body() {
        server = ScriptedServer.start(r -> isManifest(r) ? manifestReply(r, false) : Reply.of(200));
        Resolution r = client().resolve(ref("demo/app:v1"));
        assertThat(r.digest()).isEqualTo(DIGEST);
        assertThat(r.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        assertThat(server.received())
                .filteredOn(RegistryProtocolTest::isManifest)
                .extracting(Received::method)
                .containsExactly("HEAD", "GET");
        assertThat(server.received().get(1).header("Accept")).contains(String.join(", ", MediaTypes.MANIFESTS));
    }

    @Test
    void a_body_that_does_not_hash_to_the_claimed_digest_is_rejected() {
        Digest wrong = Digest.sha256("something else".getBytes(StandardCharsets.UTF_8));
        server = ScriptedServer.start(r -> {
            if (!isManifest(r)) {
                return Reply.of(200);
            }
            Reply reply = manifestReply(r, false);
            return r.method().equals("HEAD") ? reply : reply.with("Docker-Content-Digest", wrong.toString());
        });
        assertThatThrownBy(() -> client().resolve(ref("demo/app:v1")))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessageContaining(
                        "registry claimed digest " + wrong + " but the manifest body hashes to " + DIGEST);
    }

    @Test
    void a_digest_reference_is_checked_not_trusted() {
        Digest asked = Digest.sha256("asked".getBytes(StandardCharsets.UTF_8));
        server = ScriptedServer.start(
                r -> isManifest(r) ? manifestReply(r, r.method().equals("HEAD")) : Reply.of(200));
        assertThatThrownBy(() -> client().resolve(ref("demo/app@" + asked)))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessageContaining("registry answered digest " + DIGEST + " for a request by digest " + asked);
        assertThatThrownBy(() -> client().manifest(ref("demo/app@" + asked)))
                .hasMessageContaining("manifest body hashes to " + DIGEST + ", not to the requested " + asked);
        assertThat(client().resolve(ref("demo/app@" + DIGEST)).digest()).isEqualTo(DIGEST);
    }

    @Test
    void authorization_is_not_forwarded_to_another_host_on_redirect() {
        other = ScriptedServer.start(r -> manifestReply(r, true));
        server = ScriptedServer.start(r -> {
            if (r.header("Authorization").isEmpty()) {
                return Reply.of(401).with("WWW-Authenticate", "Basic realm=\"scripted\"");
            }
            return isManifest(r)
                    ? Reply.of(307).with("Location", "http://localhost:" + other.port() + r.target())
                    : Reply.of(200);
        });
        RegistryClient c = client(RegistryConfig.defaults()
                .withCredentials(CredentialSource.of(Map.of(server.host(), new Credential("alice", "s3cret")))));
        assertThat(c.resolve(ref("demo/app:v1")).digest()).isEqualTo(DIGEST);
        assertThat(server.received())
                .filteredOn(RegistryProtocolTest::isManifest)
                .allSatisfy(r -> assertThat(r.header("Authorization"))
                        .contains(new Credential("alice", "s3cret").basicHeader()));
        assertThat(other.received()).hasSize(1);
        assertThat(other.received().get(0).header("Authorization")).isEmpty();
        assertThat(other.received().get(0).method()).isEqualTo("HEAD");
    }

    @Test
    void a_stalled_server_times_out_as_unavailable() {
        server = ScriptedServer.start(r -> {
            if (isManifest(r)) {
                server.awaitClose();
            }
            return Reply.of(200);
        });
        RegistryConfig config = RegistryConfig.defaults()
                .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300))
                .withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10), Duration.ofSeconds(1));
        long start = System.nanoTime();
        assertThatThrownBy(() -> client(config).resolve(ref("demo/app:v1")))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessage("resolve " + server.host() + "/demo/app:v1: registry " + server.host()
                        + " could not be reached: no answer within 300 ms after 2 attempt(s)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void service_unavailable_is_retried_with_backoff_then_succeeds() {
        AtomicInteger heads = new AtomicInteger();
        server = ScriptedServer.start(r -> isManifest(r) && heads.incrementAndGet() <= 2
                ? Reply.json(503, "{}")
                : isManifest(r) ? manifestReply(r, true) : Reply.of(200));
        RegistryConfig config = RegistryConfig.defaults()
                .withRetries(4, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(client(config).resolve(ref("demo/app:v1")).digest()).isEqualTo(DIGEST);
        assertThat(heads).hasValue(3);
        assertThat(sleeps).hasSize(2);
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }

    @Test
    void persistent_server_errors_give_up_after_the_allowed_attempts() {
        server = ScriptedServer.start(r -> isManifest(r)
                ? Reply.json(500, "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\"}]}")
                : Reply.of(200));
        RegistryConfig config = RegistryConfig.defaults()
                .withRetries(3, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(1));
        assertThatThrownBy(() -> client(config).resolve(ref("demo/app:v1")))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessage("resolve " + server.host() + "/demo/app:v1: registry answered 500");
        assertThat(server.count(RegistryProtocolTest::isManifest)).isEqualTo(3);
    }

    @Test
    void a_connection_refused_is_unavailable() {
        server = ScriptedServer.start(r -> Reply.of(200));
        String host = server.host();
        server.close();
        server = null;
        RegistryConfig config = RegistryConfig.defaults()
                .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(1));
        assertThatThrownBy(() -> client(config).resolve(ImageReference.parse(host + "/demo/app:v1")))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE))
                .hasMessage("resolve " + host + "/demo/app:v1: registry " + host
                        + " could not be reached: cannot connect after 2 attempt(s)");
        assertThat(sleeps).hasSize(1);
    }

    @Test
    void concurrency_per_registry_is_limited() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        server = ScriptedServer.start(r -> {
            if (isManifest(r)) {
                peak.accumulateAndGet(now.incrementAndGet(), Math::max);
                Thread.sleep(20);
                now.decrementAndGet();
                return manifestReply(r, true);
            }
            return Reply.of(200);
        });
        RegistryClient c = client(RegistryConfig.defaults().withMaxConcurrencyPerRegistry(2));
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 12; i++) {
                ImageReference r = ref("demo/app" + i + ":v1");
                pool.submit(() -> c.resolve(r));
            }
        }
        assertThat(server.count(RegistryProtocolTest::isManifest)).isEqualTo(12);
        assertThat(peak.get()).isEqualTo(2);
    }
}
