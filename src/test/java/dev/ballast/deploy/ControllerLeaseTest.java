package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.store.Store;
import dev.ballast.testing.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The controller lease between two replicas sharing one store (one clock, moved by hand). */
class ControllerLeaseTest {
    private static final Duration TTL = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void oneHolderAtATimeRenewedWhileAliveTakenOverAfterExpiry() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock)) {
            ControllerLease a = new ControllerLease(store.leases(), "a/1", clock, TTL);
            ControllerLease b = new ControllerLease(store.leases(), "b/1", clock, TTL);
            assertThat(a.held()).isTrue();
            assertThat(b.held()).as("taken by a").isFalse();
            assertThat(store.leases().find(ControllerLease.NAME).orElseThrow().holder())
                    .isEqualTo("a/1");

            // a keeps renewing every pass: b never gets it
            for (int i = 0; i < 10; i++) {
                clock.advance(Duration.ofSeconds(4));
                assertThat(a.held()).isTrue();
                assertThat(b.held()).isFalse();
            }
            assertThat(a.leader()).isTrue();
            assertThat(b.leader()).isFalse();

            // a stops (dies): b waits for the lease to expire, then takes it
            long expires =
                    store.leases().find(ControllerLease.NAME).orElseThrow().expiresAt();
            clock.advance(Duration.ofMillis(expires - clock.millis()));
            assertThat(b.held()).as("not before it expired").isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(b.held()).isTrue();
            assertThat(store.leases().find(ControllerLease.NAME).orElseThrow().holder())
                    .isEqualTo("b/1");
            // a, come back, finds it lost and stops acting
            assertThat(a.held()).isFalse();
            assertThat(a.leader()).isFalse();
        }
    }

    @Test
    void aHolderStopsActingBeforeItsLeaseExpiresWhenItCannotRenew() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock)) {
            ControllerLease a = new ControllerLease(store.leases(), "a/1", clock, TTL);
            assertThat(a.held()).isTrue();
            // someone else holds the row now (as if a's renewals failed and b took it after expiry)
            store.leases().release(ControllerLease.NAME, "a/1");
            assertThat(store.leases().acquire(ControllerLease.NAME, "b/1", clock.millis(), clock.millis() + 60_000))
                    .isTrue();
            clock.advance(Duration.ofSeconds(4)); // renewal due, refused: a still acts within its own term ...
            assertThat(a.held()).isTrue();
            clock.advance(Duration.ofSeconds(4)); // ... but not within the last fifth of it
            assertThat(a.held()).isFalse();
        }
    }

    @Test
    void releaseHandsOverAtOnce() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock)) {
            ControllerLease a = new ControllerLease(store.leases(), "a/1", clock, TTL);
            ControllerLease b = new ControllerLease(store.leases(), "b/1", clock, TTL);
            assertThat(a.held()).isTrue();
            a.release();
            assertThat(b.held()).isTrue();
            assertThat(a.held()).isFalse();
        }
    }

    @Test
    void aLeaseShorterThanASecondIsRefused() {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-28T12:00:00Z"));
        try (Store store = Store.openSqlite(dir, clock)) {
            assertThatThrownBy(() -> new ControllerLease(store.leases(), "a", clock, Duration.ofMillis(500)))
                    .hasMessageContaining("at least 1 s");
        }
    }
}
