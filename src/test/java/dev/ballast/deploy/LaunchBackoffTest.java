package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.deploy.LaunchBackoff.Failure;
import dev.ballast.store.LaunchFailures;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launch back-off's arithmetic and failure counting, by table. */
class LaunchBackoffTest {
    private static final LaunchBackoff B = LaunchBackoff.DEFAULT;

    @ParameterizedTest(name = "{0} consecutive failures -> wait {1} s")
    @CsvSource({
        "0,0",
        "1,5",
        "2,10",
        "3,20",
        "4,40",
        "5,80",
        "6,160",
        "7,320",
        "8,640",
        "9,900",
        "10,900",
        "64,900",
        "2147483647,900"
    })
    void delayDoublesUpToTheCap(int consecutive, long seconds) {
        assertThat(B.delay(consecutive)).isEqualTo(Duration.ofSeconds(seconds));
    }

    @Test
    void launchesWaitUntilTheDelayHasPassedThenProbeWithOneTask() {
        LaunchFailures three = new LaunchFailures(3, 100_000, List.of("a"));
        assertThat(B.waiting(three, 100_000)).isTrue();
        assertThat(B.waiting(three, 119_999)).isTrue();
        assertThat(B.waiting(three, 120_000)).isFalse();
        assertThat(B.nextLaunchAt(three)).isEqualTo(120_000);
        assertThat(LaunchBackoff.batch(three, 6)).isEqualTo(1);
        assertThat(LaunchBackoff.batch(three, 0)).isZero();
        assertThat(B.waiting(LaunchFailures.NONE, 0)).isFalse();
        assertThat(LaunchBackoff.batch(LaunchFailures.NONE, 6)).isEqualTo(6);
    }

    @Test
    void eachFailureIsCountedOnceAlsoWhenSeveralStopInTheSameMillisecond() {
        LaunchBackoff.Observed first = LaunchBackoff.observe(
                LaunchFailures.NONE, List.of(new Failure("t1", 1_000), new Failure("t2", 2_000)), 0);
        assertThat(first.newlyCounted()).containsExactly("t1", "t2");
        assertThat(first.failures()).isEqualTo(new LaunchFailures(2, 2_000, List.of("t2")));

        // t3 stopped in the same millisecond as t2 but is seen a pass later; t1 and t2 are not counted again
        LaunchBackoff.Observed second = LaunchBackoff.observe(
                first.failures(),
                List.of(new Failure("t3", 2_000), new Failure("t2", 2_000), new Failure("t1", 1_000)),
                0);
        assertThat(second.newlyCounted()).containsExactly("t3");
        assertThat(second.failures()).isEqualTo(new LaunchFailures(3, 2_000, List.of("t2", "t3")));

        LaunchBackoff.Observed again = LaunchBackoff.observe(
                second.failures(),
                List.of(new Failure("t3", 2_000), new Failure("t2", 2_000), new Failure("t1", 1_000)),
                0);
        assertThat(again.newlyCounted()).isEmpty();
        assertThat(again.failures()).isEqualTo(second.failures());
    }

    @Test
    void aTaskReachingRunningResetsTheConsecutiveCountButNotTheCountedOnes() {
        LaunchFailures four = new LaunchFailures(4, 5_000, List.of("t4"));
        LaunchBackoff.Observed reset = LaunchBackoff.observe(four, List.of(new Failure("t4", 5_000)), 6_000);
        assertThat(reset.failures()).isEqualTo(new LaunchFailures(0, 5_000, List.of("t4")));
        assertThat(reset.newlyCounted()).isEmpty();

        // a task that started before the failures (the one running before a scale-out) resets nothing
        LaunchBackoff.Observed old = LaunchBackoff.observe(four, List.of(new Failure("t5", 7_000)), 1_000);
        assertThat(old.failures().consecutive()).isEqualTo(5);

        // failures after the start count from zero again
        LaunchBackoff.Observed after =
                LaunchBackoff.observe(four, List.of(new Failure("t5", 7_000), new Failure("t6", 8_000)), 6_000);
        assertThat(after.failures()).isEqualTo(new LaunchFailures(2, 8_000, List.of("t6")));
        assertThat(after.newlyCounted()).containsExactly("t5", "t6");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> new LaunchBackoff(Duration.ZERO, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LaunchBackoff(Duration.ofMinutes(2), Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LaunchFailures(-1, 0, List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
