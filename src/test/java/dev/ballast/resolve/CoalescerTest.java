package dev.ballast.resolve;

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

class CoalescerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final Coalescer<String, String> coalescer = new Coalescer<>(clock, Duration.ofSeconds(1));
    private final AtomicInteger fetches = new AtomicInteger();

    private String fetch(String key) {
        return coalescer.get(key, () -> key + "#" + fetches.incrementAndGet());
    }

    @Test
    void answers_are_shared_within_the_window_measured_from_arrival() {
        assertThat(fetch("a")).isEqualTo("a#1");
        clock.advance(Duration.ofMillis(999));
        assertThat(fetch("a")).isEqualTo("a#1");
        assertThat(fetch("b")).isEqualTo("b#2");
        clock.advance(Duration.ofMillis(1));
        assertThat(fetch("a")).isEqualTo("a#3");
        assertThat(fetch("b")).isEqualTo("b#2");
    }

    @Test
    void failures_are_not_kept() {
        assertThatThrownBy(() -> coalescer.get("a", () -> {
            throw new IllegalStateException("registry down");
        })).hasMessage("registry down");
        assertThat(fetch("a")).isEqualTo("a#1");
        assertThat(coalescer.size()).isEqualTo(1);
    }

    @Test
    void concurrent_callers_share_the_request_in_flight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                results.add(pool.submit(() -> coalescer.get("k", () -> {
                    fetches.incrementAndGet();
                    await(release);
                    return "v";
                })));
            }
            while (fetches.get() == 0) {
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
        java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
        assertThat(coalescer.get("app:v1", Instant.MIN, () -> "D1-" + fetches.incrementAndGet())).isEqualTo("D1-1");
        clock.advance(Duration.ofMillis(300));
        Instant deploymentCreated = clock.instant();
        // Within the window, but the deployment was created after the first request was sent: ask again.
        assertThat(coalescer.get("app:v1", deploymentCreated, () -> "D2-" + fetches.incrementAndGet())).isEqualTo("D2-2");
        // A second deployment created at the same moment shares that fresh answer.
        assertThat(coalescer.get("app:v1", deploymentCreated, () -> "D3-" + fetches.incrementAndGet())).isEqualTo("D2-2");
        assertThat(fetches).hasValue(2);
    }
}
