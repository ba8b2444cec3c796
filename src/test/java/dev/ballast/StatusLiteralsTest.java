package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ContainerStatus;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.HealthStatus;
import dev.ballast.model.RolloutState;
import dev.ballast.model.StopCode;
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
 * No status, stop code, deployment status or rollout state is written as a string literal outside
 * {@code dev.ballast.model}: code uses the model's enums ({@code TaskStatus.RUNNING.wire()}).
 */
class StatusLiteralsTest {

    /**
     * Literals equal to a model wire value that are genuinely something else, by file (relative to
     * {@code dev/ballast/}). Each group says what the value is instead.
     */
    private static final Map<String, Set<String>> NOT_A_MODEL_STATUS = Map.ofEntries(
            // ACTIVE / INACTIVE: the status of a cluster, service, container instance or task definition
            // (ECS ClusterStatus-like strings, not a deployment's status).
            Map.entry("api/StoreControlPlane.java", Set.of("ACTIVE")),
            Map.entry("api/AgentOperations.java", Set.of("INACTIVE")),
            Map.entry("api/ClusterOperations.java", Set.of("ACTIVE", "INACTIVE")),
            Map.entry("api/ContainerInstanceOperations.java", Set.of("ACTIVE", "INACTIVE")),
            Map.entry("api/EcsApi.java", Set.of("ACTIVE", "INACTIVE")),
            Map.entry("api/InstanceDocs.java", Set.of("INACTIVE")),
            Map.entry("api/PolicyOperations.java", Set.of("ACTIVE")),
            Map.entry("api/TaskDefinitionOperations.java", Set.of("ACTIVE", "INACTIVE")),
            Map.entry("api/TaskOperations.java", Set.of("ACTIVE")),
            Map.entry("cli/PolicyCommand.java", Set.of("ACTIVE")),
            Map.entry("schedule/InstanceHealth.java", Set.of("ACTIVE")),
            Map.entry("schedule/Placement.java", Set.of("ACTIVE")),
            Map.entry("schedule/PlacementFailures.java", Set.of("ACTIVE")),
            Map.entry("store/Clusters.java", Set.of("ACTIVE")),
            Map.entry("store/InstanceRow.java", Set.of("ACTIVE", "INACTIVE")),
            Map.entry("store/Instances.java", Set.of("INACTIVE")),
            Map.entry("store/TaskDefinitions.java", Set.of("ACTIVE", "INACTIVE")),
            // ServiceOperations: service status ACTIVE; a deployment's lifecycle (ECS ServiceDeployment status
            // IN_PROGRESS → STOPPED), not its rollout state.
            Map.entry("api/ServiceOperations.java", Set.of("ACTIVE", "IN_PROGRESS", "STOPPED")),
            // Deployer / ServiceController: service status INACTIVE; deployment lifecycle IN_PROGRESS/STOPPED;
            // the resolution record's state PENDING/FAILED (the resolution vocabulary is not yet in the model).
            Map.entry("deploy/Deployer.java", Set.of("INACTIVE", "IN_PROGRESS", "STOPPED", "PENDING")),
            Map.entry("deploy/ServiceController.java", Set.of("INACTIVE", "IN_PROGRESS", "STOPPED", "PENDING", "FAILED")),
            Map.entry("resolve/ResolutionAttempt.java", Set.of("PENDING", "FAILED")),
            // dependsOn condition HEALTHY (ECS ContainerCondition), not a health status.
            Map.entry("api/ContainerChecks.java", Set.of("HEALTHY")),
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
        assertThat(violations).as("status literals outside dev.ballast.model; use the model's enums").isEmpty();
    }

    @Test
    void theRuleCatchesALiteral() {
        Set<String> wire = wireValues();
        assertThat(violations("deploy/X.java", "if (t.lastStatus().equals(\"RUNNING\")) {", wire)).hasSize(1);
        assertThat(violations("deploy/X.java", "stop(\"UserInitiated\", \"reason\");", wire)).hasSize(1);
        assertThat(violations("deploy/X.java", "d.with(\"PRIMARY\");", wire)).hasSize(1);
        // an allowed file may keep only the values it is allowed, and only those
        assertThat(violations("store/Clusters.java", "s.equals(\"ACTIVE\")", wire)).isEmpty();
        assertThat(violations("store/Clusters.java", "s.equals(\"RUNNING\")", wire)).hasSize(1);
        assertThat(violations("deploy/X.java", "log(\"task is RUNNING now\");", wire)).isEmpty();
        assertThat(violations("deploy/X.java", "q(\"where last_status <> 'STOPPED'\")", wire)).hasSize(1);
        assertThat(violations("store/Tasks.java", "q(\"where last_status <> 'STOPPED'\")", wire)).isEmpty();
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
                assertThat(src).as("%s imports only the JDK and Jackson annotations", p)
                        .doesNotContainPattern("(?m)^import (?!java\\.|com\\.fasterxml\\.jackson\\.annotation\\.|dev\\.ballast\\.model\\.)");
            }
        }
        assertThat(violations).isEmpty();
        assertThat(Arrays.asList(TaskStatus.values())).isNotEmpty();
    }
}
