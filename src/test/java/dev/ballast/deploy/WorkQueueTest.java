package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The keyed work queue's client-go semantics, on a clock moved by hand: no thread, no sleep. */
class WorkQueueTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T00:00:00Z"));
    private final WorkQueue queue = new WorkQueue(clock, Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void aKeyAddedManyTimesIsHeldOnceInTheOrderOfItsFirstAdd() {
        for (String k : List.of("a", "b", "a", "c", "b", "a")) {
            queue.add(k);
        }
        assertThat(drain()).containsExactly("a", "b", "c");
        assertThat(queue.poll()).isNull();
        assertThat(queue.idle()).isTrue();
    }

    @Test
    void aKeyBeingProcessedIsNotHandedOutAgainAndIsQueuedOnceMoreWhenDone() {
        queue.add("a");
        assertThat(queue.poll()).isEqualTo("a");
        queue.add("a");
        queue.add("a");
        queue.add("b");
        assertThat(queue.poll())
                .as("a is being processed: b comes first, a not at all")
                .isEqualTo("b");
        assertThat(queue.poll()).isNull();
        queue.done("b");
        assertThat(queue.idle()).as("a is still being processed").isFalse();
        queue.done("a");
        assertThat(queue.poll()).as("added while processed: queued again, once").isEqualTo("a");
        queue.done("a");
        assertThat(queue.poll()).isNull();
        assertThat(queue.idle()).isTrue();
    }

    @Test
    void aKeyNotAddedWhileProcessedIsNotQueuedAgain() {
        queue.add("a");
        queue.done(queue.poll());
        assertThat(queue.poll()).isNull();
    }

    @Test
    void aDelayedKeyBecomesReadyWhenTheClockReachesItsDueTime() {
        queue.addAfter("later", Duration.ofSeconds(10));
        queue.addAfter("sooner", Duration.ofSeconds(3));
        assertThat(queue.poll()).isNull();
        assertThat(queue.idle()).as("delayed keys do not count").isTrue();
        assertThat(queue.depth()).isEqualTo(2);

        clock.advance(Duration.ofMillis(2_999));
        assertThat(queue.poll()).isNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(drain()).containsExactly("sooner");
        clock.advance(Duration.ofSeconds(7));
        assertThat(drain()).containsExactly("later");
    }

    @Test
    void theEarlierDueTimeWinsAndAnImmediateAddDoesNotWaitForIt() {
        queue.addAfter("a", Duration.ofSeconds(10));
        queue.addAfter("a", Duration.ofSeconds(2));
        queue.addAfter("a", Duration.ofSeconds(20));
        clock.advance(Duration.ofSeconds(2));
        assertThat(drain()).containsExactly("a");
        clock.advance(Duration.ofMinutes(1));
        assertThat(queue.poll())
                .as("one due time per key: the later ones were merged into it")
                .isNull();

        queue.addAfter("b", Duration.ofSeconds(10));
        queue.add("b");
        assertThat(drain()).containsExactly("b");
    }

    @Test
    void errorsBackOffExponentiallyPerKeyUpToTheCapAndASuccessForgetsThem() {
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            delays.add(queue.addWithBackoff("a"));
            assertThat(queue.backingOff("a")).isTrue();
            clock.advance(delays.getLast().minusMillis(1));
            assertThat(queue.poll())
                    .as("still backing off after %s", delays.getLast().minusMillis(1))
                    .isNull();
            clock.advance(Duration.ofMillis(1));
            assertThat(drain()).containsExactly("a");
            assertThat(queue.backingOff("a")).isFalse();
        }
        assertThat(delays)
                .extracting(Duration::toMillis)
                .containsExactly(100L, 200L, 400L, 800L, 1_600L, 3_200L, 5_000L, 5_000L);
        assertThat(queue.addWithBackoff("b")).as("per key").isEqualTo(Duration.ofMillis(100));

        queue.forget("a");
        assertThat(queue.addWithBackoff("a")).as("forgotten after a success").isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void aBackOffNeverOverflowsToAShortDelay() {
        assertThat(queue.backoff(1_000)).isEqualTo(Duration.ofSeconds(5));
        assertThat(queue.backoff(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void clearDropsQueuedAndDelayedKeys() {
        queue.add("a");
        queue.addAfter("b", Duration.ofSeconds(1));
        queue.clear();
        clock.advance(Duration.ofSeconds(1));
        assertThat(queue.poll()).isNull();
        assertThat(queue.depth()).isZero();
    }

    /** Polls every ready key, marking each done at once. */
    private List<String> drain() {
        List<String> keys = new ArrayList<>();
        for (String k = queue.poll(); k != null; k = queue.poll()) {
            keys.add(k);
            queue.done(k);
        }
        return keys;
    }
}
