package dev.ballast.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SingleFlightTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SingleFlight<String, String> keeping = SingleFlight.keeping(Duration.ofSeconds(1), clock);
    private final AtomicInteger fetches = new AtomicInteger();

    private String fetch(SingleFlight<String, String> flight, String key) {
        return flight.run(key, () -> key + "#" + fetches.incrementAndGet());
    }

    @Test
    void answersAreSharedWithinTheWindowMeasuredFromArrival() {
        assertThat(fetch(keeping, "a")).isEqualTo("a#1");
        clock.advance(Duration.ofMillis(999));
        assertThat(fetch(keeping, "a")).isEqualTo("a#1");
        assertThat(fetch(keeping, "b")).isEqualTo("b#2");
        clock.advance(Duration.ofMillis(1));
        assertThat(fetch(keeping, "a")).isEqualTo("a#3");
        assertThat(fetch(keeping, "b")).isEqualTo("b#2");
    }

    @Test
    void failuresAreNotKept() {
        assertThatThrownBy(() -> keeping.run("a", () -> {
                    throw new IllegalStateException("registry down");
                }))
                .hasMessage("registry down");
        assertThat(fetch(keeping, "a")).isEqualTo("a#1");
        assertThat(keeping.size()).isEqualTo(1);
    }

    @Test
    void withoutAWindowNothingIsKeptOnceTheWorkEnds() {
        SingleFlight<String, String> inFlight = SingleFlight.inFlightOnly();
        assertThat(fetch(inFlight, "a")).isEqualTo("a#1");
        assertThat(fetch(inFlight, "a")).isEqualTo("a#2");
        assertThat(inFlight.size()).isZero();
        assertThat(inFlight.callers()).isZero();
    }

    @Test
    void concurrentCallersShareTheWorkInFlight() throws Exception {
        concurrentCallersShareOneCall(keeping);
    }

    @Test
    void concurrentCallersShareTheWorkInFlightWithoutAWindow() throws Exception {
        concurrentCallersShareOneCall(SingleFlight.inFlightOnly());
    }

    @Test
    void concurrentCallersShareAFailureAndTheNextCallerRunsAgain() throws Exception {
        SingleFlight<String, String> inFlight = SingleFlight.inFlightOnly();
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                results.add(pool.submit(() -> inFlight.run("k", () -> {
                    fetches.incrementAndGet();
                    await(release);
                    throw new IllegalStateException("registry down");
                })));
            }
            while (inFlight.callers() < 20) {
                Thread.onSpinWait();
            }
            release.countDown();
        }
        for (Future<String> f : results) {
            assertThatThrownBy(f::get).hasRootCauseMessage("registry down");
        }
        assertThat(fetches).hasValue(1);
        assertThat(fetch(inFlight, "k")).isEqualTo("k#2");
    }

    private void concurrentCallersShareOneCall(SingleFlight<String, String> flight) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> flight.run("k", () -> {
                    fetches.incrementAndGet();
                    await(release);
                    return "v";
                })));
            }
            // every caller is inside: one runs the work, the others wait for it
            while (flight.callers() < 100) {
                Thread.onSpinWait();
            }
            release.countDown();
        }
        for (Future<String> f : results) {
            assertThat(f.get()).isEqualTo("v");
        }
        assertThat(fetches).hasValue(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void anAnswerRequestedBeforeACallersFreshnessBoundIsNotShared() {
        assertThat(keeping.run("app:v1", Instant.MIN, () -> "D1-" + fetches.incrementAndGet()))
                .isEqualTo("D1-1");
        clock.advance(Duration.ofMillis(300));
        Instant deploymentCreated = clock.instant();
        // Within the window, but the deployment was created after the first request was sent: ask again.
        assertThat(keeping.run("app:v1", deploymentCreated, () -> "D2-" + fetches.incrementAndGet()))
                .isEqualTo("D2-2");
        // A second deployment created at the same moment shares that fresh answer.
        assertThat(keeping.run("app:v1", deploymentCreated, () -> "D3-" + fetches.incrementAndGet()))
                .isEqualTo("D2-2");
        assertThat(fetches).hasValue(2);
    }
}
