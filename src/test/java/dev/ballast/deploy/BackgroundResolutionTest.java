package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.store.RevisionRow;
import dev.ballast.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link BackgroundResolution}: attempts off the caller's thread, one per revision, outcomes only for the record they began from. */
class BackgroundResolutionTest {

    static final ResolutionRecord PENDING = new ResolutionRecord(ResolutionState.PENDING, 0, null, List.of(), null);
    static final ResolutionRecord RESOLVED = new ResolutionRecord(ResolutionState.RESOLVED, 1, null, List.of(), null);

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T00:00:00Z"));
    final AtomicInteger started = new AtomicInteger();
    final CountDownLatch release = new CountDownLatch(1);
    final Semaphore completions = new Semaphore(0);

    static RevisionRow revision(String arn, ResolutionRecord r) {
        return new RevisionRow(arn, "svc", "cluster", "td", 0, r, "EC2");
    }

    BackgroundResolution background(ResolutionRecord answer) {
        return new BackgroundResolution(
                (revision, td, cluster, cb) -> {
                    started.incrementAndGet();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return new ResolutionStep.Outcome(answer, List.of("resolved"));
                },
                clock,
                completions::release);
    }

    @Test
    void a_held_attempt_returns_the_record_unchanged_and_is_not_started_twice() throws Exception {
        try (BackgroundResolution b = background(RESOLVED)) {
            RevisionRow r = revision("rev-1", PENDING);
            for (int pass = 0; pass < 5; pass++) {
                ResolutionStep.Outcome o = b.step(r, null, "cluster", false);
                assertThat(o.record()).isSameAs(PENDING);
                assertThat(o.events()).isEmpty();
            }
            assertThat(b.inFlight()).isEqualTo(1);
            release.countDown();
            completions.acquire(); // woken when the attempt produced a new record
            ResolutionStep.Outcome done = b.step(r, null, "cluster", false);
            assertThat(done.record()).isEqualTo(RESOLVED);
            assertThat(done.events()).containsExactly("resolved");
            assertThat(started.get()).isEqualTo(1);
            assertThat(b.inFlight()).isZero();
        }
    }

    @Test
    void revisions_do_not_wait_for_each_other() {
        try (BackgroundResolution b = background(RESOLVED)) {
            b.step(revision("rev-a", PENDING), null, "cluster", false);
            b.step(revision("rev-b", PENDING), null, "cluster", false);
            assertThat(b.inFlight()).isEqualTo(2);
            release.countDown();
        }
    }

    @Test
    void an_outcome_for_a_record_that_moved_on_is_dropped_and_a_new_attempt_starts() throws Exception {
        try (BackgroundResolution b = background(RESOLVED)) {
            b.step(revision("rev-1", PENDING), null, "cluster", false);
            release.countDown();
            completions.acquire();
            ResolutionRecord moved = new ResolutionRecord(ResolutionState.PENDING, 1, null, List.of(), null);
            ResolutionStep.Outcome o = b.step(revision("rev-1", moved), null, "cluster", false);
            assertThat(o.record()).isSameAs(moved);
            completions.acquire();
            assertThat(started.get()).isEqualTo(2);
            assertThat(b.step(revision("rev-1", moved), null, "cluster", false).record())
                    .isEqualTo(RESOLVED);
        }
    }

    @Test
    void a_record_waiting_out_its_backoff_starts_no_attempt() {
        try (BackgroundResolution b = background(RESOLVED)) {
            long later = clock.millis() + 60_000;
            ResolutionRecord backingOff = new ResolutionRecord(ResolutionState.PENDING, 1, later, List.of(), null);
            assertThat(b.step(revision("rev-1", backingOff), null, "cluster", false)
                            .record())
                    .isSameAs(backingOff);
            assertThat(b.inFlight()).isZero();
            clock.advance(Duration.ofMinutes(1));
            b.step(revision("rev-1", backingOff), null, "cluster", false);
            assertThat(b.inFlight()).isEqualTo(1);
            release.countDown();
        }
    }

    @Test
    void an_attempt_that_throws_is_retried_by_a_later_pass() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch thrown = new CountDownLatch(1);
        try (BackgroundResolution b = new BackgroundResolution(
                (revision, td, cluster, cb) -> {
                    if (calls.incrementAndGet() == 1) {
                        thrown.countDown();
                        throw new IllegalStateException("store unavailable");
                    }
                    return new ResolutionStep.Outcome(RESOLVED, List.of());
                },
                clock,
                completions::release)) {
            RevisionRow r = revision("rev-1", PENDING);
            b.step(r, null, "cluster", false);
            thrown.await();
            while (b.step(r, null, "cluster", false).record() != RESOLVED) {
                completions.tryAcquire(10, TimeUnit.MILLISECONDS);
            }
            assertThat(calls.get()).isEqualTo(2);
        }
    }

    @Test
    void unclaimed_outcomes_are_forgotten() throws Exception {
        try (BackgroundResolution b = background(RESOLVED)) {
            b.step(revision("superseded", PENDING), null, "cluster", false);
            release.countDown();
            completions.acquire();
            clock.advance(Duration.ofMillis(BackgroundResolution.FORGET_AFTER_MILLIS + 1));
            b.step(revision("other", RESOLVED), null, "cluster", false);
            assertThat(b.inFlight()).as("only the new attempt for 'other'").isEqualTo(1);
        }
    }
}
