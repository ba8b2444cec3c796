package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.store.TaskRow.ContainerRow;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** ECS's Task.healthStatus rule, table-tested: containers given as "essential?:health" (health "-" = no check). */
class TaskHealthTest {

    private static TaskRow task(List<String> containers) {
        List<ContainerRow> rows = new ArrayList<>();
        for (String c : containers) {
            String[] p = c.split(":");
            rows.add(new ContainerRow("c" + rows.size(), "arn:c" + rows.size(), "img", "img", null, "RUNNING", null, null, "id",
                    p[0].equals("E"), null, p[1].equals("-") ? null : p[1]));
        }
        return new TaskRow("arn:task", "default", "arn:cluster", "arn:td", null, null, null, null, "arn:i", "RUNNING", "RUNNING",
                rows, null, null, null, 0, 0, 0, null, null, null, null, null, 0);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(List.of("E:-"), "UNKNOWN"),
                Arguments.of(List.of("E:-", "N:-"), "UNKNOWN"),
                Arguments.of(List.of("E:HEALTHY"), "HEALTHY"),
                Arguments.of(List.of("E:HEALTHY", "E:-"), "HEALTHY"),
                Arguments.of(List.of("E:HEALTHY", "E:UNKNOWN"), "UNKNOWN"),
                Arguments.of(List.of("E:UNKNOWN", "E:UNHEALTHY"), "UNHEALTHY"),
                Arguments.of(List.of("E:HEALTHY", "E:UNHEALTHY"), "UNHEALTHY"),
                // a non-essential container's health does not count
                Arguments.of(List.of("E:HEALTHY", "N:UNHEALTHY"), "HEALTHY"),
                Arguments.of(List.of("E:-", "N:HEALTHY"), "UNKNOWN"),
                Arguments.of(List.of("N:UNHEALTHY"), "UNKNOWN"));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @MethodSource("table")
    void task_health(List<String> containers, String expected) {
        assertThat(TaskHealth.of(task(containers))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "container health {0} is shown as {1}")
    @MethodSource("containers")
    void container_health(String stored, String shown) {
        assertThat(TaskHealth.of(task(List.of("E:" + stored)).containers().getFirst())).isEqualTo(shown);
    }

    static Stream<Arguments> containers() {
        return Stream.of(Arguments.of("-", "UNKNOWN"), Arguments.of("UNKNOWN", "UNKNOWN"), Arguments.of("HEALTHY", "HEALTHY"),
                Arguments.of("UNHEALTHY", "UNHEALTHY"));
    }

    @ParameterizedTest(name = "{0} settled for a deployment: {1}")
    @MethodSource("settledTable")
    void settled(List<String> containers, boolean expected) {
        assertThat(TaskHealth.settled(task(containers))).isEqualTo(expected);
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
