package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.registry.RegistryException.Kind;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.ScriptedServer;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The tag HEAD and the request budget against a scripted server, for what the real registry cannot be made to do:
 * 429 with {@code Retry-After}, a 200 without {@code Docker-Content-Digest}.
 */
class TagHeadProtocolTest {

    static final byte[] MANIFEST = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST
                    + "\",\"config\":{},\"layers\":[]}")
            .getBytes(StandardCharsets.UTF_8);
    static final Digest DIGEST = Digest.sha256(MANIFEST);
    static final String TOO_MANY = "{\"errors\":[{\"code\":\"TOOMANYREQUESTS\",\"message\":\"slow down\"}]}";

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    ScriptedServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    RegistryClient client() {
        return new RegistryClient(
                RegistryConfig.defaults().withClock(clock, sleeps::add),
                new SimpleMeterRegistry(),
                BudgetSettings.parse(List.of("*=100/1s")));
    }

    ImageReference ref(String s) {
        return ImageReference.parse(server.host() + "/" + s);
    }

    static Reply manifest() {
        return new Reply(200, Map.of(), MANIFEST)
                .with("Content-Type", MediaTypes.OCI_MANIFEST)
                .with("Docker-Content-Digest", DIGEST.toString());
    }

    @Test
    void a_429_on_a_tag_head_is_not_waited_out_and_closes_the_budget_until_the_retry_after_date() {
        Instant until = clock.instant().plus(Duration.ofMinutes(10));
        server = ScriptedServer.start(r -> r.path().contains("/manifests/")
                ? Reply.json(429, TOO_MANY)
                        .with(
                                "Retry-After",
                                DateTimeFormatter.RFC_1123_DATE_TIME.format(until.atOffset(ZoneOffset.UTC)))
                : Reply.of(200));
        RegistryClient c = client();
        String registry = server.host();
        assertThatThrownBy(() -> c.headTag(ref("demo/app:v1"), null))
                .isInstanceOfSatisfying(RegistryException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
                    assertThat(e.retryAt()).contains(until);
                });
        assertThat(server.count(r -> r.path().contains("/manifests/"))).isEqualTo(1);
        assertThat(sleeps).isEmpty();
        assertThat(c.budget().closedUntil(registry)).contains(until);
        assertThat(c.budget().tryAcquire(registry)).isFalse();
    }

    @Test
    void a_429_met_by_deploy_time_resolution_closes_the_background_budget_while_resolution_waits_it_out() {
        AtomicInteger heads = new AtomicInteger();
        server = ScriptedServer.start(r -> {
            if (r.path().contains("/manifests/")) {
                return heads.incrementAndGet() == 1 ? Reply.json(429, TOO_MANY).with("Retry-After", "7") : manifest();
            }
            return Reply.of(200);
        });
        RegistryClient c = client();
        assertThat(c.resolve(ref("demo/app:v1")).digest()).isEqualTo(DIGEST);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
        // the back-off (30 s) is longer than the 7 s asked for
        assertThat(c.budget().closedUntil(server.host()))
                .contains(clock.instant().plus(RequestBudget.FIRST_BACKOFF));
        assertThat(c.budget().tryAcquire(server.host())).isFalse();
        clock.advance(RequestBudget.FIRST_BACKOFF.plusSeconds(1));
        assertThat(c.budget().tryAcquire(server.host())).isTrue();
    }

    @Test
    void a_200_without_docker_content_digest_is_an_error_and_no_get_follows() {
        server = ScriptedServer.start(r -> r.path().contains("/manifests/")
                ? new Reply(200, Map.of(), MANIFEST).with("Content-Type", MediaTypes.OCI_MANIFEST)
                : Reply.of(200));
        assertThatThrownBy(() -> client().headTag(ref("demo/app:v1"), null))
                .isInstanceOfSatisfying(
                        RegistryException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID))
                .hasMessage("head " + server.host() + "/demo/app:v1: registry answered 200 without "
                        + "Docker-Content-Digest");
        assertThat(server.received())
                .filteredOn(r -> r.path().contains("/manifests/"))
                .extracting(ScriptedServer.Received::method)
                .containsExactly("HEAD");
    }

    @Test
    void if_none_match_carries_the_previous_etag_and_a_304_confirms_the_previous_answer() {
        String etag = "\"" + DIGEST + "\"";
        server = ScriptedServer.start(r -> {
            if (!r.path().contains("/manifests/")) {
                return Reply.of(200);
            }
            return r.header("If-None-Match").filter(etag::equals).isPresent()
                    ? Reply.of(304)
                    : manifest().with("ETag", etag);
        });
        RegistryClient c = client();
        TagHead first = c.headTag(ref("demo/app:v1"), null);
        assertThat(first).isEqualTo(new TagHead(DIGEST, MediaTypes.OCI_MANIFEST, etag, false));
        TagHead second = c.headTag(ref("demo/app:v1"), first);
        assertThat(second).isEqualTo(new TagHead(DIGEST, MediaTypes.OCI_MANIFEST, etag, true));
        assertThat(server.received())
                .filteredOn(r -> r.path().contains("/manifests/"))
                .extracting(r -> r.header("If-None-Match").orElse("-"))
                .containsExactly("-", etag);
    }
}
