package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.registry.Resolution;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The retry, fallback and failure rules of one attempt, without a registry. */
class ResolutionAttemptTest {

    private static final EventSubject WEB = EventSubject.service("arn:aws:ecs:us-east-1:123456789012:service/prod/web");
    private static final Digest D = Digest.sha256("x".getBytes());

    private static ContainerResolution pending(String mode) {
        return new ContainerResolution(
                "app",
                "nginx:1.27",
                Mode.fromWire(mode),
                Layer.CONTAINER,
                null,
                ResolutionOutcome.PENDING,
                null,
                null,
                null,
                null);
    }

    @ParameterizedTest(name = "{0} attempt {1} (circuit breaker {2}) -> {3}/{4}")
    @CsvSource(textBlock = """
            consistent,  1, false, PENDING,  pending
            consistent,  4, false, PENDING,  pending
            consistent,  5, false, FAILED,   failed
            best-effort, 2, false, PENDING,  pending
            best-effort, 3, false, RESOLVED, fallback
            best-effort, 3, true,  FAILED,   failed
            best-effort, 1, true,  PENDING,  pending
            """)
    void failures(String mode, int attempt, boolean breaker, String state, String resolutionMode) {
        RevisionResolver.Step step = ResolutionAttempt.apply(
                List.of(pending(mode)),
                Map.of("app", new Lookup.Failed("registry answered 404 MANIFEST_UNKNOWN (manifest unknown)")),
                attempt,
                new ResolutionAttempt.Limits(5, 3, breaker),
                ResolveSettings.defaults(),
                10_000,
                WEB);
        ResolutionRecord r = step.record();
        assertThat(r.state().wire()).isEqualTo(state);
        assertThat(r.attempts()).isEqualTo(attempt);
        ContainerResolution c = r.containers().getFirst();
        assertThat(c.resolutionMode().wire()).isEqualTo(resolutionMode);
        assertThat(c.reason()).contains("404 MANIFEST_UNKNOWN");
        if (state.equals("PENDING")) {
            assertThat(r.nextAttemptAt())
                    .isEqualTo(
                            10_000 + ResolveSettings.defaults().backoff(attempt).toMillis());
            assertThat(step.events())
                    .containsExactly("(service web) could not resolve image nginx:1.27 of container app: "
                            + "registry answered 404 MANIFEST_UNKNOWN (manifest unknown) (attempt " + attempt + " of "
                            + (mode.equals("consistent") ? 5 : 3) + "; retrying).");
        } else {
            assertThat(r.nextAttemptAt()).isNull();
        }
        if (resolutionMode.equals("fallback")) {
            assertThat(c.launchImage()).isEqualTo("nginx:1.27");
            assertThat(step.events())
                    .last()
                    .isEqualTo("(service web) continuing on tag nginx:1.27 for container app "
                            + "after 3 failed resolutions (best-effort, ECS parity).");
        }
        if (state.equals("FAILED")) {
            assertThat(c.launchImage()).isNull();
            assertThat(r.failure())
                    .startsWith("image nginx:1.27 of container app could not be resolved (registry answered 404");
            assertThat(step.events())
                    .last()
                    .asString()
                    .startsWith("(service web) deployment failed: image nginx:1.27 of "
                            + "container app could not be resolved (registry answered 404 MANIFEST_UNKNOWN");
        }
    }

    @ParameterizedTest(name = "Retry-After {0} s")
    @CsvSource(textBlock = """
            3600, 3610000
            0,    11000
            """)
    void the_next_attempt_is_never_before_the_registry_allows_it(long retryAfterSeconds, long expectedNext) {
        long now = 10_000;
        Instant until = Instant.ofEpochMilli(now).plusSeconds(retryAfterSeconds);
        String reason = "registry answered 429 TOOMANYREQUESTS and asks to wait until " + until;
        RevisionResolver.Step step = ResolutionAttempt.apply(
                List.of(pending("consistent")),
                Map.of("app", new Lookup.Failed(reason, until)),
                1,
                new ResolutionAttempt.Limits(5, 3, false),
                ResolveSettings.defaults(),
                now,
                WEB);
        assertThat(step.record().state().wire()).isEqualTo("PENDING");
        assertThat(step.record().nextAttemptAt())
                .as("max(backoff, Retry-After)")
                .isEqualTo(expectedNext);
        assertThat(step.events())
                .containsExactly("(service web) could not resolve image nginx:1.27 of container app: " + reason
                        + " (attempt 1 of 5; retrying).");
    }

    @ParameterizedTest(name = "{0} pinned to {2}")
    @CsvSource(textBlock = """
            nginx:1.27,                       docker.io/library/nginx:1.27,  nginx:1.27@
            nginx,                            docker.io/library/nginx:latest, nginx:latest@
            127.0.0.1:5000/demo/app,          127.0.0.1:5000/demo/app:latest, 127.0.0.1:5000/demo/app:latest@
            localhost:5000/demo/app:v1,       localhost:5000/demo/app:v1,     localhost:5000/demo/app:v1@
            index.docker.io/library/redis:7,  docker.io/library/redis:7,      index.docker.io/library/redis:7@
            """)
    void launch_image_keeps_the_written_text(String written, String canonical, String expectedPrefix) {
        ImageReference ref = ImageReference.parse(written);
        assertThat(ref.canonical()).isEqualTo(canonical);
        assertThat(ResolutionAttempt.pinned(written, ref, D)).isEqualTo(expectedPrefix + D);
    }

    @ParameterizedTest(name = "found: {0}")
    @CsvSource(textBlock = """
            nginx:1.27, resolved
            nginx:1.27@sha256:2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881, verified
            """)
    void found(String image, String resolutionMode) {
        ContainerResolution c = new ContainerResolution(
                "app",
                image,
                Mode.BEST_EFFORT,
                Layer.SYSTEM_DEFAULT,
                null,
                ResolutionOutcome.PENDING,
                null,
                null,
                null,
                null);
        ImageReference ref = ImageReference.parse(image);
        Digest digest = ref.digest().orElse(D);
        RevisionResolver.Step step = ResolutionAttempt.apply(
                List.of(c),
                Map.of(
                        "app",
                        new Lookup.Found(
                                new Resolution(ref, digest, "application/vnd.oci.image.manifest.v1+json", List.of()))),
                1,
                new ResolutionAttempt.Limits(5, 3, false),
                ResolveSettings.defaults(),
                5,
                WEB);
        ContainerResolution out = step.record().containers().getFirst();
        assertThat(step.record().state().wire()).isEqualTo("RESOLVED");
        assertThat(out.resolutionMode().wire()).isEqualTo(resolutionMode);
        assertThat(out.imageDigest()).isEqualTo(digest.toString());
        assertThat(out.resolvedAt()).isEqualTo(5L);
        assertThat(out.launchImage()).isEqualTo(resolutionMode.equals("verified") ? image : image + "@" + D);
        assertThat(step.events())
                .singleElement()
                .asString()
                .startsWith("(service web) " + resolutionMode + " image " + image + " of container app")
                .endsWith("(best-effort, decided by system-default).");
    }
}
