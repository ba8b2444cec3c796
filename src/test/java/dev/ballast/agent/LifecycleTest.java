package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.TaskStatus;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Table tests of the task and container lifecycles and of their one mapping to ECS status strings. */
class LifecycleTest {

    static Stream<Arguments> taskTransitions() {
        return Stream.of(
                // known, desired, next
                Arguments.of(TaskState.PROVISIONING, TaskState.RUNNING, TaskState.PULLING),
                Arguments.of(TaskState.PULLING, TaskState.RUNNING, TaskState.RUNNING),
                Arguments.of(TaskState.RUNNING, TaskState.RUNNING, TaskState.RUNNING),
                Arguments.of(TaskState.STOPPING, TaskState.RUNNING, TaskState.STOPPED),
                Arguments.of(TaskState.STOPPED, TaskState.RUNNING, TaskState.STOPPED),
                Arguments.of(TaskState.PROVISIONING, TaskState.STOPPED, TaskState.STOPPED),
                Arguments.of(TaskState.PULLING, TaskState.STOPPED, TaskState.STOPPED),
                Arguments.of(TaskState.RUNNING, TaskState.STOPPED, TaskState.STOPPING),
                Arguments.of(TaskState.STOPPING, TaskState.STOPPED, TaskState.STOPPED),
                Arguments.of(TaskState.STOPPED, TaskState.STOPPED, TaskState.STOPPED),
                // a desired state short of RUNNING still means "run"
                Arguments.of(TaskState.PROVISIONING, TaskState.PULLING, TaskState.PULLING),
                Arguments.of(TaskState.RUNNING, TaskState.PROVISIONING, TaskState.RUNNING));
    }

    @ParameterizedTest(name = "{0} wanting {1} → {2}")
    @MethodSource("taskTransitions")
    void task_next(TaskState known, TaskState desired, TaskState expected) {
        assertThat(TaskState.next(known, desired)).isEqualTo(expected);
    }

    @Test
    void a_task_never_moves_backwards() {
        for (TaskState known : TaskState.values()) {
            for (TaskState desired : TaskState.values()) {
                assertThat(TaskState.next(known, desired))
                        .as("%s wanting %s", known, desired)
                        .isGreaterThanOrEqualTo(known);
            }
        }
    }

    @Test
    void every_task_reaches_stopped_when_wanted_stopped() {
        for (TaskState start : TaskState.values()) {
            TaskState s = start;
            for (int i = 0; i < TaskState.values().length && s != TaskState.STOPPED; i++) {
                s = TaskState.next(s, TaskState.STOPPED);
            }
            assertThat(s).as("from %s", start).isEqualTo(TaskState.STOPPED);
        }
    }

    static Stream<Arguments> containerTransitions() {
        return Stream.of(
                Arguments.of(ContainerState.PENDING, ContainerState.RUNNING, ContainerState.PULLED),
                Arguments.of(ContainerState.PULLED, ContainerState.RUNNING, ContainerState.RUNNING),
                Arguments.of(ContainerState.RUNNING, ContainerState.RUNNING, ContainerState.RUNNING),
                Arguments.of(ContainerState.STOPPED, ContainerState.RUNNING, ContainerState.STOPPED),
                Arguments.of(ContainerState.PENDING, ContainerState.STOPPED, ContainerState.STOPPED),
                Arguments.of(ContainerState.PULLED, ContainerState.STOPPED, ContainerState.STOPPED),
                Arguments.of(ContainerState.RUNNING, ContainerState.STOPPED, ContainerState.STOPPED),
                Arguments.of(ContainerState.STOPPED, ContainerState.STOPPED, ContainerState.STOPPED));
    }

    @ParameterizedTest(name = "{0} wanting {1} → {2}")
    @MethodSource("containerTransitions")
    void container_next(ContainerState known, ContainerState desired, ContainerState expected) {
        assertThat(ContainerState.next(known, desired)).isEqualTo(expected);
    }

    static Stream<Arguments> taskStatuses() {
        return Stream.of(
                Arguments.of(TaskState.PROVISIONING, "PROVISIONING"),
                Arguments.of(TaskState.PULLING, "PENDING"),
                Arguments.of(TaskState.RUNNING, "RUNNING"),
                Arguments.of(TaskState.STOPPING, "STOPPING"),
                Arguments.of(TaskState.STOPPED, "STOPPED"));
    }

    @ParameterizedTest(name = "{0} ⇄ {1}")
    @MethodSource("taskStatuses")
    void task_states_round_trip_through_ecs_strings(TaskState state, String ecs) {
        assertThat(EcsStatus.lastStatus(state).wire()).isEqualTo(ecs);
        assertThat(EcsStatus.taskState(TaskStatus.fromWire(ecs))).isEqualTo(state);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACTIVATING:PULLING", "DEACTIVATING:STOPPING", "DEPROVISIONING:STOPPING"})
    void other_ecs_task_statuses_map_onto_the_nearest_state(String pair) {
        String[] p = pair.split(":");
        assertThat(EcsStatus.taskState(TaskStatus.fromWire(p[0]))).isEqualTo(TaskState.valueOf(p[1]));
    }

    @Test
    void desired_statuses_and_unknown_strings() {
        assertThat(EcsStatus.desired(DesiredStatus.fromWire("RUNNING"))).isEqualTo(TaskState.RUNNING);
        assertThat(EcsStatus.desired(DesiredStatus.fromWire("PENDING"))).isEqualTo(TaskState.RUNNING);
        assertThat(EcsStatus.desired(DesiredStatus.fromWire("STOPPED"))).isEqualTo(TaskState.STOPPED);
        assertThatThrownBy(() -> EcsStatus.taskState(TaskStatus.fromWire("LOST")))
                .hasMessageContaining("LOST");
        assertThatThrownBy(() -> EcsStatus.desired(DesiredStatus.fromWire("PAUSED")))
                .hasMessageContaining("PAUSED");
        assertThatThrownBy(() -> EcsStatus.containerState(ContainerStatus.fromWire("CREATED"), false))
                .hasMessageContaining("CREATED");
    }

    @Test
    void container_states_map_to_ecs_strings_with_pulled_shown_as_pending() {
        assertThat(Arrays.stream(ContainerState.values())
                        .map(EcsStatus::lastStatus)
                        .map(ContainerStatus::wire))
                .containsExactly("PENDING", "PENDING", "RUNNING", "STOPPED");
        assertThat(EcsStatus.containerState(ContainerStatus.fromWire("PENDING"), false))
                .isEqualTo(ContainerState.PENDING);
        assertThat(EcsStatus.containerState(ContainerStatus.fromWire("PENDING"), true))
                .isEqualTo(ContainerState.PULLED);
        assertThat(EcsStatus.containerState(ContainerStatus.fromWire("RUNNING"), false))
                .isEqualTo(ContainerState.RUNNING);
        assertThat(EcsStatus.containerState(ContainerStatus.fromWire("STOPPED"), true))
                .isEqualTo(ContainerState.STOPPED);
    }
}
