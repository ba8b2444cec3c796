package dev.ballast.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests: each enum's wire strings in ECS's order, the round trip, and refusal of unknown values. */
class StatusEnumsTest {

    static Stream<Arguments> tables() {
        return Stream.of(
                table(
                        TaskStatus.values(),
                        TaskStatus::wire,
                        TaskStatus::fromWire,
                        "PROVISIONING",
                        "PENDING",
                        "ACTIVATING",
                        "RUNNING",
                        "DEACTIVATING",
                        "STOPPING",
                        "DEPROVISIONING",
                        "STOPPED"),
                table(
                        DesiredStatus.values(),
                        DesiredStatus::wire,
                        DesiredStatus::fromWire,
                        "PENDING",
                        "RUNNING",
                        "STOPPED"),
                table(
                        ContainerStatus.values(),
                        ContainerStatus::wire,
                        ContainerStatus::fromWire,
                        "PENDING",
                        "RUNNING",
                        "STOPPED"),
                table(
                        HealthStatus.values(),
                        HealthStatus::wire,
                        HealthStatus::fromWire,
                        "HEALTHY",
                        "UNHEALTHY",
                        "UNKNOWN"),
                table(
                        StopCode.values(),
                        StopCode::wire,
                        StopCode::fromWire,
                        "TaskFailedToStart",
                        "EssentialContainerExited",
                        "UserInitiated",
                        "ServiceSchedulerInitiated",
                        "SpotInterruption",
                        "TerminationNotice",
                        "InfrastructureHealth"),
                table(
                        DeploymentStatus.values(),
                        DeploymentStatus::wire,
                        DeploymentStatus::fromWire,
                        "PRIMARY",
                        "ACTIVE",
                        "INACTIVE"),
                table(
                        RolloutState.values(),
                        RolloutState::wire,
                        RolloutState::fromWire,
                        "IN_PROGRESS",
                        "COMPLETED",
                        "FAILED"),
                table(ClusterStatus.values(), ClusterStatus::wire, ClusterStatus::fromWire, "ACTIVE", "INACTIVE"),
                table(
                        ServiceStatus.values(),
                        ServiceStatus::wire,
                        ServiceStatus::fromWire,
                        "ACTIVE",
                        "DRAINING",
                        "INACTIVE"),
                table(
                        ContainerInstanceStatus.values(),
                        ContainerInstanceStatus::wire,
                        ContainerInstanceStatus::fromWire,
                        "ACTIVE",
                        "DRAINING",
                        "INACTIVE"),
                table(
                        TaskDefinitionStatus.values(),
                        TaskDefinitionStatus::wire,
                        TaskDefinitionStatus::fromWire,
                        "ACTIVE",
                        "INACTIVE",
                        "DELETE_IN_PROGRESS"),
                table(
                        ServiceDeploymentStatus.values(),
                        ServiceDeploymentStatus::wire,
                        ServiceDeploymentStatus::fromWire,
                        "PENDING",
                        "SUCCESSFUL",
                        "STOPPED",
                        "STOP_REQUESTED",
                        "IN_PROGRESS",
                        "ROLLBACK_REQUESTED",
                        "ROLLBACK_IN_PROGRESS",
                        "ROLLBACK_SUCCESSFUL",
                        "ROLLBACK_FAILED"),
                table(
                        ResolutionState.values(),
                        ResolutionState::wire,
                        ResolutionState::fromWire,
                        "PENDING",
                        "RESOLVED",
                        "FAILED"),
                table(
                        ResolutionOutcome.values(),
                        ResolutionOutcome::wire,
                        ResolutionOutcome::fromWire,
                        "pending",
                        "resolved",
                        "verified",
                        "skipped",
                        "fallback",
                        "failed"),
                table(Mode.values(), Mode::wire, Mode::fromWire, "consistent", "best-effort", "disabled"),
                table(
                        Layer.values(),
                        Layer::wire,
                        Layer::fromWire,
                        "container",
                        "cluster-rule",
                        "account-rule",
                        "managed-catalog",
                        "cluster-setting",
                        "account-setting",
                        "system-default"),
                table(StopCause.values(), StopCause::wire, StopCause::fromWire, "HEALTH_CHECK_FAILED"));
    }

    private static <E extends Enum<E>> Arguments table(
            E[] values, Function<E, String> wire, Function<String, E> fromWire, String... expected) {
        return Arguments.of(
                values[0].getDeclaringClass().getSimpleName(),
                Arrays.asList(values),
                wire,
                fromWire,
                List.of(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tables")
    <E extends Enum<E>> void wireStringsInOrderRoundTripAndRefuseUnknown(
            String name,
            List<E> values,
            Function<E, String> wire,
            Function<String, E> fromWire,
            List<String> expected) {
        assertThat(values.stream().map(wire).toList()).isEqualTo(expected);
        for (E e : values) {
            assertThat(fromWire.apply(wire.apply(e))).isSameAs(e);
        }
        for (String bad : List.of("LOST", "running", "", " RUNNING")) {
            assertThatThrownBy(() -> fromWire.apply(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("\"" + bad + "\"");
        }
        assertThatThrownBy(() -> fromWire.apply(null)).isInstanceOf(RuntimeException.class);
    }

    @ParameterizedTest(name = "{0} at least {1}: {2}")
    @MethodSource("orders")
    void taskStatusOrder(TaskStatus a, TaskStatus b, boolean atLeast) {
        assertThat(a.atLeast(b)).isEqualTo(atLeast);
        assertThat(a.before(b)).isEqualTo(!atLeast);
    }

    static Stream<Arguments> orders() {
        return Stream.of(
                Arguments.of(TaskStatus.RUNNING, TaskStatus.PENDING, true),
                Arguments.of(TaskStatus.PENDING, TaskStatus.RUNNING, false),
                Arguments.of(TaskStatus.ACTIVATING, TaskStatus.RUNNING, false),
                Arguments.of(TaskStatus.STOPPING, TaskStatus.RUNNING, true),
                Arguments.of(TaskStatus.DEPROVISIONING, TaskStatus.STOPPED, false),
                Arguments.of(TaskStatus.STOPPED, TaskStatus.STOPPED, true),
                Arguments.of(TaskStatus.PROVISIONING, TaskStatus.PENDING, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherOrders")
    void otherOrders(String name, boolean actual, boolean expected) {
        assertThat(actual).isEqualTo(expected);
    }

    static Stream<Arguments> otherOrders() {
        return Stream.of(
                Arguments.of(
                        "desired STOPPED at least RUNNING", DesiredStatus.STOPPED.atLeast(DesiredStatus.RUNNING), true),
                Arguments.of(
                        "desired PENDING before RUNNING", DesiredStatus.PENDING.before(DesiredStatus.RUNNING), true),
                Arguments.of(
                        "container RUNNING before STOPPED",
                        ContainerStatus.RUNNING.before(ContainerStatus.STOPPED),
                        true),
                Arguments.of("PRIMARY before ACTIVE", DeploymentStatus.PRIMARY.before(DeploymentStatus.ACTIVE), true),
                Arguments.of(
                        "INACTIVE at least ACTIVE", DeploymentStatus.INACTIVE.atLeast(DeploymentStatus.ACTIVE), true),
                Arguments.of(
                        "IN_PROGRESS before COMPLETED", RolloutState.IN_PROGRESS.before(RolloutState.COMPLETED), true));
    }
}
