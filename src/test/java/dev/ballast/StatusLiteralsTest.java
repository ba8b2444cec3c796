package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ClusterStatus;
import dev.ballast.model.ContainerInstanceStatus;
import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionState;
import dev.ballast.model.RolloutState;
import dev.ballast.model.ServiceDeploymentStatus;
import dev.ballast.model.ServiceStatus;
import dev.ballast.model.StopCause;
import dev.ballast.model.StopCode;
import dev.ballast.model.TaskDefinitionStatus;
import dev.ballast.model.TaskStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No status, stop code, deployment status or lifecycle, rollout state, resource status (cluster, service,
 * container instance, task definition), resolution state or outcome, version-consistency mode, policy layer or
 * stop cause is written as a string literal outside {@code dev.ballast.model}: code uses the model's enums
 * ({@code TaskStatus.RUNNING.wire()}, {@code Mode.CONSISTENT}).
 */
class StatusLiteralsTest {

    /**
     * Literals equal to a model wire value that are genuinely something else, by file (relative to
     * {@code dev/ballast/}). Each group says what the value is instead.
     */
    private static final Map<String, Set<String>> NOT_A_MODEL_STATUS = Map.ofEntries(
            // "disabled": ECS's on/off word for account and cluster settings (awsvpcTrunking, containerInsights,
            // long ARN formats), not a version-consistency mode.
            Map.entry("api/AccountSettingOperations.java", Set.of("disabled")),
            Map.entry("api/ClusterOperations.java", Set.of("disabled")),
            Map.entry("api/Unserved.java", Set.of("disabled")),
            // an unknown HTTP outcome label in a metric, not a health status.
            Map.entry("registry/Transport.java", Set.of("UNKNOWN")));

    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\\\n]|\\\\.)*)\"");

    private static final Pattern SQL_LITERAL = Pattern.compile("'(\\w+)'");

    static Set<String> wireValues() {
        Set<String> all = new HashSet<>();
        Stream.of(TaskStatus.values()).map(TaskStatus::wire).forEach(all::add);
        Stream.of(DesiredStatus.values()).map(DesiredStatus::wire).forEach(all::add);
        Stream.of(ContainerStatus.values()).map(ContainerStatus::wire).forEach(all::add);
        Stream.of(HealthStatus.values()).map(HealthStatus::wire).forEach(all::add);
        Stream.of(StopCode.values()).map(StopCode::wire).forEach(all::add);
        Stream.of(DeploymentStatus.values()).map(DeploymentStatus::wire).forEach(all::add);
        Stream.of(RolloutState.values()).map(RolloutState::wire).forEach(all::add);
        Stream.of(ServiceDeploymentStatus.values())
                .map(ServiceDeploymentStatus::wire)
                .forEach(all::add);
        Stream.of(ClusterStatus.values()).map(ClusterStatus::wire).forEach(all::add);
        Stream.of(ServiceStatus.values()).map(ServiceStatus::wire).forEach(all::add);
        Stream.of(ContainerInstanceStatus.values())
                .map(ContainerInstanceStatus::wire)
                .forEach(all::add);
        Stream.of(TaskDefinitionStatus.values()).map(TaskDefinitionStatus::wire).forEach(all::add);
        Stream.of(ResolutionState.values()).map(ResolutionState::wire).forEach(all::add);
        Stream.of(ResolutionOutcome.values()).map(ResolutionOutcome::wire).forEach(all::add);
        Stream.of(Mode.values()).map(Mode::wire).forEach(all::add);
        Stream.of(Layer.values()).map(Layer::wire).forEach(all::add);
        Stream.of(StopCause.values()).map(StopCause::wire).forEach(all::add);
        return all;
    }

    static List<String> violations(String file, String src, Set<String> wire) {
        List<String> out = new ArrayList<>();
        Set<String> allowed = NOT_A_MODEL_STATUS.getOrDefault(file, Set.of());
        String[] lines = src.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.startsWith("//") || line.startsWith("*") || line.startsWith("/*")) {
                continue;
            }
            Matcher m = LITERAL.matcher(lines[i]);
            while (m.find()) {
                if (wire.contains(m.group(1)) && !allowed.contains(m.group(1))) {
                    out.add(file + ":" + (i + 1) + ": \"" + m.group(1) + "\"");
                }
                // SQL that filters by status keeps its quoted literal ('STOPPED'), in store only
                Matcher sql = SQL_LITERAL.matcher(m.group(1));
                while (!file.startsWith("store/") && sql.find()) {
                    if (wire.contains(sql.group(1))) {
                        out.add(file + ":" + (i + 1) + ": SQL '" + sql.group(1) + "' outside store");
                    }
                }
            }
        }
        return out;
    }

    @Test
    void noStatusLiteralOutsideTheModel() throws IOException {
        Set<String> wire = wireValues();
        Path root = Path.of("src/main/java/dev/ballast");
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(root)) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                String file = root.relativize(p).toString().replace('\\', '/');
                if (file.startsWith("model/")) {
                    continue;
                }
                files++;
                violations.addAll(violations(file, Files.readString(p), wire));
            }
        }
        assertThat(files).isGreaterThan(10);
        assertThat(violations)
                .as("status literals outside dev.ballast.model; use the model's enums")
                .isEmpty();
    }

    @Test
    void theRuleCatchesALiteral() {
        Set<String> wire = wireValues();
        assertThat(violations("deploy/X.java", "if (t.lastStatus().equals(\"RUNNING\")) {", wire))
                .hasSize(1);
        assertThat(violations("deploy/X.java", "stop(\"UserInitiated\", \"reason\");", wire))
                .hasSize(1);
        assertThat(violations("deploy/X.java", "d.with(\"PRIMARY\");", wire)).hasSize(1);
        // the resolution vocabulary, resource statuses, deployment lifecycle and stop causes are model words too
        assertThat(violations("resolve/X.java", "if (c.mode().equals(\"best-effort\")) {", wire))
                .hasSize(1);
        assertThat(violations("resolve/X.java", "with(c, \"pending\", null);", wire))
                .hasSize(1);
        assertThat(violations("api/X.java", "row.put(\"decidedBy\", \"cluster-rule\");", wire))
                .hasSize(1);
        assertThat(violations("deploy/X.java", "new ResolutionRecord(\"FAILED\", 0);", wire))
                .hasSize(1);
        assertThat(violations("deploy/X.java", "service.withStatus(\"DRAINING\");", wire))
                .hasSize(1);
        assertThat(violations("deploy/X.java", "d.withLifecycle(\"ROLLBACK_IN_PROGRESS\");", wire))
                .hasSize(1);
        assertThat(violations("deploy/X.java", "t.withStopCause(\"HEALTH_CHECK_FAILED\");", wire))
                .hasSize(1);
        assertThat(violations("api/ContainerChecks.java", "c.equals(\"skipped\")", wire))
                .hasSize(1);
        // an allowed file may keep only the values it is allowed, and only those
        assertThat(violations("api/Unserved.java", "c.equals(\"disabled\")", wire))
                .isEmpty();
        assertThat(violations("api/Unserved.java", "s.equals(\"RUNNING\")", wire))
                .hasSize(1);
        assertThat(violations("api/ContainerChecks.java", "c.equals(\"HEALTHY\")", wire))
                .hasSize(1);
        // a file no longer allowed what it once was is checked like any other
        assertThat(violations("store/Clusters.java", "s.equals(\"ACTIVE\")", wire))
                .hasSize(1);
        assertThat(violations("deploy/X.java", "log(\"task is RUNNING now\");", wire))
                .isEmpty();
        assertThat(violations("deploy/X.java", "q(\"where last_status <> 'STOPPED'\")", wire))
                .hasSize(1);
        assertThat(violations("store/Tasks.java", "q(\"where last_status <> 'STOPPED'\")", wire))
                .isEmpty();
    }

    @Test
    void theModelImportsNoOtherBallastPackage() throws IOException {
        Pattern imp = Pattern.compile("^import (?:static )?dev\\.ballast\\.(\\w+)", Pattern.MULTILINE);
        List<String> violations = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java/dev/ballast/model"))) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher m = imp.matcher(Files.readString(p));
                while (m.find()) {
                    if (!m.group(1).equals("model")) {
                        violations.add(p + " imports dev.ballast." + m.group(1));
                    }
                }
                String src = Files.readString(p);
                assertThat(src)
                        .as("%s imports only the JDK and Jackson annotations", p)
                        .doesNotContainPattern(
                                "(?m)^import (?!java\\.|com\\.fasterxml\\.jackson\\.annotation\\.|dev\\.ballast\\.model\\.)");
            }
        }
        assertThat(violations).isEmpty();
        assertThat(Arrays.asList(TaskStatus.values())).isNotEmpty();
    }
}
