package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.lifecycle.NotificationMetrics.Outcome;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes to tags nothing uses do not read the holdings once each: a tag with a state is watched without them, and
 * the held tags are read at most once per {@link RegistryNotifications#HELD_TAGS_FOR} while no service is written.
 */
class RegistryNotificationsCostTest {
    private static final String REGISTRY = "127.0.0.1:5000";

    @TempDir
    Path dir;

    private static RegistryEvent push(String repository, String tag, int n) {
        String digest = "sha256:" + String.format("%064x", n);
        return new RegistryEvent(
                RegistryEvent.Kind.PUSH,
                REGISTRY,
                repository,
                tag,
                digest,
                "application/vnd.oci.image.manifest.v1+json",
                true);
    }

    @Test
    void aStreamOfPushesToUnwatchedTagsReadsTheHoldingsOnce() {
        MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock)) {
            RegistryNotifications notifications = new RegistryNotifications(
                    store, clock, () -> {}, new NotificationMetrics(new SimpleMeterRegistry()));
            List<RegistryEvent> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.add(push("ci/build-" + i, "latest", i));
            }

            assertThat(notifications.apply(events)).isEqualTo(Map.of(Outcome.IGNORED, 50));
            assertThat(notifications.apply(events.subList(0, 10))).isEqualTo(Map.of(Outcome.IGNORED, 10));
            assertThat(notifications.holdingsReads()).isEqualTo(1);

            TagKey watched = new TagKey(REGISTRY, "ci/build-0", "latest");
            store.tagStates().record(new TagState(watched, null, null, null, 1, 1, TagSource.POLL));
            assertThat(notifications.apply(List.of(push("ci/build-0", "latest", 99))))
                    .isEqualTo(Map.of(Outcome.APPLIED, 1));
            assertThat(store.tagStates().find(watched).orElseThrow().digest())
                    .isEqualTo(push("x", "y", 99).digest());
            assertThat(notifications.holdingsReads())
                    .as("a tag with a state needs no holdings")
                    .isEqualTo(1);

            clock.advance(RegistryNotifications.HELD_TAGS_FOR.plus(Duration.ofMillis(1)));
            notifications.apply(events.subList(0, 10));
            assertThat(notifications.holdingsReads())
                    .as("read again once the time is up")
                    .isEqualTo(2);
        }
    }
}
