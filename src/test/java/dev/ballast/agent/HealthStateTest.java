package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of the health state machine: start period, retries, timeouts, one success. */
class HealthStateTest {
    private static final CheckResult PASS = new CheckResult.Passed();
    private static final CheckResult FAIL = new CheckResult.Failed("exit code 1");
    private static final CheckResult TIMEOUT = new CheckResult.TimedOut();

    /** Runs {@code results} (each with whether it falls in the start period) from the initial state. */
    private static HealthState run(int retries, List<CheckResult> results, List<Boolean> inStartPeriod) {
        HealthState s = HealthState.INITIAL;
        for (int i = 0; i < results.size(); i++) {
            s = s.next(results.get(i), inStartPeriod.get(i), retries);
        }
        return s;
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // retries, results, in start period, expected status
                Arguments.of(3, List.of(), List.of(), "UNKNOWN"),
                Arguments.of(3, List.of(PASS), List.of(false), "HEALTHY"),
                Arguments.of(3, List.of(FAIL, FAIL), List.of(false, false), "UNKNOWN"),
                Arguments.of(3, List.of(FAIL, FAIL, FAIL), List.of(false, false, false), "UNHEALTHY"),
                Arguments.of(3, List.of(FAIL, TIMEOUT, FAIL), List.of(false, false, false), "UNHEALTHY"),
                Arguments.of(1, List.of(TIMEOUT), List.of(false), "UNHEALTHY"),
                Arguments.of(2, List.of(FAIL, PASS, FAIL), List.of(false, false, false), "HEALTHY"),
                Arguments.of(2, List.of(FAIL, FAIL, PASS), List.of(false, false, false), "HEALTHY"),
                Arguments.of(2, List.of(PASS, FAIL, FAIL), List.of(false, false, false), "UNHEALTHY"),
                // failures in the start period do not count...
                Arguments.of(1, List.of(FAIL, FAIL, FAIL), List.of(true, true, true), "UNKNOWN"),
                Arguments.of(2, List.of(FAIL, FAIL, FAIL), List.of(true, true, false), "UNKNOWN"),
                Arguments.of(2, List.of(FAIL, FAIL, FAIL, FAIL), List.of(true, true, false, false), "UNHEALTHY"),
                // ... unless a check passed already
                Arguments.of(2, List.of(PASS, FAIL, FAIL), List.of(true, true, true), "UNHEALTHY"),
                Arguments.of(3, List.of(PASS), List.of(true), "HEALTHY"));
    }

    @ParameterizedTest(name = "retries {0}: {1} (start period {2}) → {3}")
    @MethodSource("table")
    void status(int retries, List<CheckResult> results, List<Boolean> inStartPeriod, String expected) {
        assertThat(run(retries, results, inStartPeriod).status()).isEqualTo(expected);
    }

    @Test
    void a_success_resets_the_count_of_consecutive_failures() {
        HealthState s = run(3, List.of(FAIL, FAIL, PASS, FAIL, FAIL), List.of(false, false, false, false, false));
        assertThat(s).isEqualTo(new HealthState("HEALTHY", 2));
    }

    @Test
    void a_container_that_is_not_running_keeps_its_last_status() {
        HealthState healthy = run(3, List.of(PASS), List.of(false));
        assertThat(healthy.next(new CheckResult.NotRunning(), false, 3)).isEqualTo(healthy);
        assertThat(healthy.next(new CheckResult.Unsupported(), false, 3)).isEqualTo(healthy);
    }
}
