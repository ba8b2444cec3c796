package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.Dependencies.Verdict;
import dev.ballast.core.ModelJson;
import dev.ballast.model.ContainerCondition;
import dev.ballast.model.ContainerDefinition.Dependency;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.HealthStatus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Table tests of the dependency rule: each condition against each state of the container depended on. */
class DependenciesTest {

    /** The dependency as the agent records it: status, exit code, and whether it ever started (a runtime id). */
    private static AgentContainer target(String status, Integer exit, boolean started) {
        return target(status, exit, started, null);
    }

    private static AgentContainer target(String status, Integer exit, boolean started, String health) {
        return new AgentContainer(
                "db",
                "arn:c/db",
                "img",
                "img",
                "sha256:" + "0".repeat(64),
                ContainerStatus.fromWire(status),
                exit,
                null,
                started ? "id-db" : null,
                false,
                null,
                health == null ? null : HealthStatus.fromWire(health));
    }

    static Stream<Arguments> healthy() {
        return Stream.of(
                // dependency status, started, health, verdict
                Arguments.of("PENDING", false, "UNKNOWN", Verdict.Wait.class),
                Arguments.of("RUNNING", true, "UNKNOWN", Verdict.Wait.class),
                Arguments.of("RUNNING", true, "HEALTHY", Verdict.Ready.class),
                Arguments.of("RUNNING", true, "UNHEALTHY", Verdict.Never.class),
                Arguments.of("STOPPED", true, "UNKNOWN", Verdict.Never.class),
                Arguments.of("STOPPED", true, "HEALTHY", Verdict.Ready.class),
                Arguments.of("STOPPED", false, "UNKNOWN", Verdict.Never.class));
    }

    @ParameterizedTest(name = "HEALTHY on a {0} dependency (started {1}, health {2}) → {3}")
    @MethodSource("healthy")
    void healthy_verdict(String status, boolean started, String health, Class<? extends Verdict> expected) {
        Verdict v = Dependencies.check(
                "app", new Dependency("db", ContainerCondition.HEALTHY), target(status, null, started, health));
        assertThat(v).isInstanceOf(expected);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // condition, dependency status, exit code, started, verdict
                Arguments.of(ContainerCondition.START, "PENDING", null, false, Verdict.Wait.class),
                Arguments.of(ContainerCondition.START, "RUNNING", null, true, Verdict.Ready.class),
                Arguments.of(ContainerCondition.START, "STOPPED", 1, true, Verdict.Ready.class),
                Arguments.of(ContainerCondition.START, "STOPPED", null, false, Verdict.Never.class),
                Arguments.of(ContainerCondition.COMPLETE, "PENDING", null, false, Verdict.Wait.class),
                Arguments.of(ContainerCondition.COMPLETE, "RUNNING", null, true, Verdict.Wait.class),
                Arguments.of(ContainerCondition.COMPLETE, "STOPPED", 0, true, Verdict.Ready.class),
                Arguments.of(ContainerCondition.COMPLETE, "STOPPED", 137, true, Verdict.Ready.class),
                Arguments.of(ContainerCondition.COMPLETE, "STOPPED", null, false, Verdict.Never.class),
                Arguments.of(ContainerCondition.SUCCESS, "PENDING", null, false, Verdict.Wait.class),
                Arguments.of(ContainerCondition.SUCCESS, "RUNNING", null, true, Verdict.Wait.class),
                Arguments.of(ContainerCondition.SUCCESS, "STOPPED", 0, true, Verdict.Ready.class),
                Arguments.of(ContainerCondition.SUCCESS, "STOPPED", 2, true, Verdict.Never.class),
                Arguments.of(ContainerCondition.SUCCESS, "STOPPED", null, true, Verdict.Never.class),
                Arguments.of(ContainerCondition.SUCCESS, "STOPPED", null, false, Verdict.Never.class));
    }

    @ParameterizedTest(name = "{0} on a {1} dependency (exit {2}, started {3}) → {4}")
    @MethodSource("table")
    void verdict(
            ContainerCondition condition,
            String status,
            Integer exit,
            boolean started,
            Class<? extends Verdict> expected) {
        Verdict v = Dependencies.check("app", new Dependency("db", condition), target(status, exit, started));
        assertThat(v).isInstanceOf(expected);
        if (v instanceof Verdict.Never n) {
            assertThat(n.reason()).contains("app").contains("db").contains(condition.name());
        }
    }

    @Test
    void parses_depends_on_and_orders_shutdown_in_reverse() {
        Dependencies deps = Dependencies.of(ModelJson.taskDefinition("""
                {"containerDefinitions":[
                  {"name":"app","dependsOn":[{"containerName":"db","condition":"HEALTHY"},{"containerName":"init","condition":"SUCCESS"}]},
                  {"name":"db","dependsOn":[{"containerName":"init","condition":"COMPLETE"}]},
                  {"name":"init"},
                  {"name":"logs"}]}
                """));
        assertThat(deps.on("app"))
                .containsExactly(
                        new Dependency("db", ContainerCondition.HEALTHY),
                        new Dependency("init", ContainerCondition.SUCCESS));
        assertThat(deps.on("init")).isEmpty();
        List<AgentContainer> rows = Stream.of("app", "db", "init", "logs")
                .map(n -> new AgentContainer(
                        n,
                        "arn:c/" + n,
                        "img",
                        "img",
                        null,
                        ContainerStatus.RUNNING,
                        null,
                        null,
                        "id",
                        true,
                        null,
                        null))
                .toList();
        assertThat(deps.stopOrder(rows)).extracting(AgentContainer::name).containsExactly("logs", "app", "db", "init");
        assertThat(Dependencies.NONE.on("app")).isEmpty();
    }
}
