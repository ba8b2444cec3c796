package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ballast.testing.MutableClock;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The controller runtime: requeue-after and back-off on a clock moved by hand (the caller's thread runs the keys
 * with {@code runUntilIdle}), the lease asked before every key, and with real workers, one key never reconciled by
 * two at once.
 */
class ControllerRuntimeTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    private final List<String> calls = new CopyOnWriteArrayList<>();

    private ControllerRuntime runtime(Reconciler r, AtomicBoolean leading) {
        return new ControllerRuntime(
                "test-reconciler",
                key -> {
                    calls.add(key);
                    return r.reconcile(key);
                },
                2,
                clock,
                key -> leading.get(),
                Duration.ofMillis(250),
                Duration.ofSeconds(30));
    }

    @Test
    void aRequeueAfterRunsTheKeyAgainOnlyOnceTheClockHasMoved() {
        ControllerRuntime rt = runtime(key -> Result.requeueAfter(Duration.ofSeconds(5)), new AtomicBoolean(true));
        rt.enqueue("a");
        rt.runUntilIdle();
        assertThat(calls).containsExactly("a");
        clock.advance(Duration.ofMillis(4_999));
        rt.runUntilIdle();
        assertThat(calls).containsExactly("a");
        clock.advance(Duration.ofMillis(1));
        rt.runUntilIdle();
        assertThat(calls).containsExactly("a", "a");
    }

    @Test
    void aFailingKeyBacksOffExponentiallyWithoutHoldingUpOtherKeys() {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        ControllerRuntime rt = runtime(
                key -> {
                    if (key.equals("bad") && failuresLeft.getAndDecrement() > 0) {
                        throw new IllegalStateException("store says no");
                    }
                    return Result.done();
                },
                new AtomicBoolean(true));
        rt.enqueue("bad");
        rt.enqueue("good");
        rt.runUntilIdle();
        assertThat(calls).containsExactly("bad", "good");

        for (long backoff : new long[] {250, 500, 1_000}) {
            rt.resync("bad");
            rt.runUntilIdle();
            assertThat(calls)
                    .as("a periodic resync leaves a key in back-off alone")
                    .hasSize(2 + (int) (backoff / 500));
            clock.advance(Duration.ofMillis(backoff - 1));
            rt.runUntilIdle();
            assertThat(calls.stream().filter("bad"::equals).count())
                    .as("not before %d ms", backoff)
                    .isEqualTo(1 + Long.numberOfTrailingZeros(backoff / 250));
            clock.advance(Duration.ofMillis(1));
            rt.runUntilIdle();
        }
        assertThat(calls).containsExactly("bad", "good", "bad", "bad", "bad");
        clock.advance(Duration.ofHours(1));
        rt.runUntilIdle();
        assertThat(calls).as("it succeeded: nothing queued any more").hasSize(5);
        rt.enqueue("bad");
        rt.runUntilIdle();
        assertThat(calls).hasSize(6);
    }

    @Test
    void noKeyIsReconciledWhileTheLeaseIsNotHeldAndALostLeaseStopsDispatchAtTheNextKey() {
        AtomicBoolean leading = new AtomicBoolean(true);
        ControllerRuntime rt = runtime(
                key -> {
                    if (key.equals("first")) {
                        leading.set(false); // the lease is lost while this key is reconciled
                    }
                    return Result.done();
                },
                leading);
        rt.every("job:resync", Duration.ofSeconds(1));
        rt.enqueue("first");
        rt.enqueue("second");
        rt.runUntilIdle();
        assertThat(calls)
                .as("the job ran first (registered first), then the lease was lost")
                .containsExactly("job:resync", "first");

        rt.enqueue("second");
        clock.advance(Duration.ofSeconds(1));
        rt.runUntilIdle();
        assertThat(calls).as("nothing while not leading").containsExactly("job:resync", "first");

        leading.set(true);
        rt.runUntilIdle();
        assertThat(calls)
                .as("the dropped key is not reconciled by itself; the periodic job is, once due")
                .containsExactly("job:resync", "first");
        clock.advance(Duration.ofSeconds(1));
        rt.runUntilIdle();
        assertThat(calls).containsExactly("job:resync", "first", "job:resync");
    }

    @Test
    void workersNeverReconcileOneKeyTwiceAtOnceAndCoalesceItsAddsMeanwhile() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch otherDone = new CountDownLatch(1);
        Map<String, AtomicInteger> concurrent = new ConcurrentHashMap<>();
        AtomicInteger maxConcurrent = new AtomicInteger();
        AtomicInteger slowCalls = new AtomicInteger();
        try (ControllerRuntime rt = runtime(
                        key -> {
                            int now = concurrent
                                    .computeIfAbsent(key, k -> new AtomicInteger())
                                    .incrementAndGet();
                            maxConcurrent.accumulateAndGet(now, Math::max);
                            try {
                                if (key.equals("slow") && slowCalls.incrementAndGet() == 1) {
                                    inside.countDown();
                                    await(release);
                                }
                                if (key.equals("other")) {
                                    otherDone.countDown();
                                }
                                return Result.done();
                            } finally {
                                concurrent.get(key).decrementAndGet();
                            }
                        },
                        new AtomicBoolean(true))
                .start()) {
            rt.enqueue("slow");
            assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
            for (int i = 0; i < 10; i++) {
                rt.enqueue("slow");
            }
            rt.enqueue("other");
            assertThat(otherDone.await(30, TimeUnit.SECONDS))
                    .as("the second worker is free and took the next key")
                    .isTrue();
            assertThat(slowCalls.get()).as("but not the key being reconciled").isEqualTo(1);
            release.countDown();
            rt.runUntilIdle();
        }
        assertThat(slowCalls.get()).as("ten adds while it ran: once more").isEqualTo(2);
        assertThat(maxConcurrent.get()).isEqualTo(1);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void aStoreOutageFailingEveryKeyIsLoggedOnceWithoutATraceAndAFaultPerKey() {
        Logger logger = (Logger) LoggerFactory.getLogger(ControllerRuntime.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            ControllerRuntime rt = runtime(
                    key -> {
                        if (key.startsWith("down")) {
                            throw new IllegalStateException(
                                    "jdbi",
                                    new SQLException("An I/O error occurred while sending to the backend", "08006"));
                        }
                        throw new IllegalStateException("a bug in " + key);
                    },
                    new AtomicBoolean(true));
            for (int i = 0; i < 20; i++) {
                rt.enqueue("down-" + i);
            }
            rt.enqueue("bug-1");
            rt.enqueue("bug-2");
            rt.runUntilIdle();
            assertThat(calls).hasSize(22);
            List<ILoggingEvent> store = lines.list.stream()
                    .filter(e -> e.getFormattedMessage().contains("store is unavailable"))
                    .toList();
            assertThat(store).as("one line for 20 keys failing on the store").hasSize(1);
            assertThat(store.get(0).getThrowableProxy()).isNull();
            assertThat(lines.list.stream().filter(e -> e.getFormattedMessage().contains("a bug in")))
                    .as("a fault is logged per key, with its trace")
                    .hasSize(2)
                    .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNotNull());
        } finally {
            logger.detachAppender(lines);
        }
    }
}
