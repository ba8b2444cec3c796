package dev.ballast.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ECS's Task.healthStatus rule, table-tested: containers given as "essential?:health" (health "-" = no check). */
class TaskHealthTest {

    private static TaskHealth task(List<String> containers) {
        List<TaskHealth.Container> out = new ArrayList<>();
        for (String c : containers) {
            String[] p = c.split(":");
            out.add(new TaskHealth.Container(p[0].equals("E"), p[1].equals("-") ? null : HealthStatus.fromWire(p[1])));
        }
        return new TaskHealth(out);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(List.of("E:-"), HealthStatus.UNKNOWN),
                Arguments.of(List.of("E:-", "N:-"), HealthStatus.UNKNOWN),
                Arguments.of(List.of("E:HEALTHY"), HealthStatus.HEALTHY),
                Arguments.of(List.of("E:HEALTHY", "E:-"), HealthStatus.HEALTHY),
                Arguments.of(List.of("E:HEALTHY", "E:UNKNOWN"), HealthStatus.UNKNOWN),
                Arguments.of(List.of("E:UNKNOWN", "E:UNHEALTHY"), HealthStatus.UNHEALTHY),
                Arguments.of(List.of("E:HEALTHY", "E:UNHEALTHY"), HealthStatus.UNHEALTHY),
                // a non-essential container's health does not count
                Arguments.of(List.of("E:HEALTHY", "N:UNHEALTHY"), HealthStatus.HEALTHY),
                Arguments.of(List.of("E:-", "N:HEALTHY"), HealthStatus.UNKNOWN),
                Arguments.of(List.of("N:UNHEALTHY"), HealthStatus.UNKNOWN));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("table")
    void task_health(List<String> containers, HealthStatus expected) {
        assertThat(task(containers).status()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "container health {0} is shown as {1}")
    @MethodSource("containers")
    void container_health(String stored, HealthStatus shown) {
        assertThat(TaskHealth.shown(
                        task(List.of("E:" + stored)).containers().getFirst().health()))
                .isEqualTo(shown);
    }

    static Stream<Arguments> containers() {
        return Stream.of(
                Arguments.of("-", HealthStatus.UNKNOWN),
                Arguments.of("UNKNOWN", HealthStatus.UNKNOWN),
                Arguments.of("HEALTHY", HealthStatus.HEALTHY),
                Arguments.of("UNHEALTHY", HealthStatus.UNHEALTHY));
    }

    @ParameterizedTest(name = "{0} settled for a deployment: {1}")
    @MethodSource("settledTable")
    void settled(List<String> containers, boolean expected) {
        assertThat(task(containers).settled()).isEqualTo(expected);
    }

    static Stream<Arguments> settledTable() {
        return Stream.of(
                Arguments.of(List.of("E:-"), true),
                Arguments.of(List.of("E:-", "N:UNKNOWN"), true),
                Arguments.of(List.of("E:UNKNOWN"), false),
                Arguments.of(List.of("E:UNHEALTHY"), false),
                Arguments.of(List.of("E:HEALTHY", "E:-"), true),
                Arguments.of(List.of("E:HEALTHY", "E:UNKNOWN"), false));
    }
}
