package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Enforces the one-way package dependencies of docs/architecture.md on the main sources. */
class ArchitectureTest {
    private static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("model", Set.of()),
            Map.entry("core", Set.of("model")),
            Map.entry("image", Set.of("core", "model")),
            Map.entry("registry", Set.of("image", "core", "model")),
            Map.entry("resolve", Set.of("registry", "image", "store", "core", "model")),
            Map.entry("store", Set.of("core", "model")),
            Map.entry("schedule", Set.of("resolve", "registry", "image", "store", "core", "model")),
            Map.entry("deploy", Set.of("schedule", "resolve", "registry", "image", "store", "core", "model")),
            Map.entry("agent", Set.of("registry", "image", "core", "model")),
            Map.entry("api", Set.of("deploy", "schedule", "resolve", "registry", "image", "agent", "store", "core",
                    "model")),
            Map.entry("cli", Set.of("api", "deploy", "schedule", "resolve", "registry", "image", "agent", "store",
                    "core", "model")));
    private static final Pattern PACKAGE = Pattern.compile("^package dev\\.ballast\\.(\\w+)", Pattern.MULTILINE);
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?dev\\.ballast\\.(\\w+)", Pattern.MULTILINE);

    @Test
    void importsFollowTheDependencyTable() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                files++;
                String src = Files.readString(p);
                Matcher pkg = PACKAGE.matcher(src);
                assertThat(pkg.find()).as("package of %s", p).isTrue();
                String own = pkg.group(1);
                assertThat(ALLOWED).as("package %s of %s is in the dependency table", own, p).containsKey(own);
                Matcher imp = IMPORT.matcher(src);
                while (imp.find()) {
                    String target = imp.group(1);
                    if (!target.equals(own) && !ALLOWED.get(own).contains(target)) {
                        violations.add(p + ": " + own + " imports " + target);
                    }
                }
            }
        }
        assertThat(files).isGreaterThan(10);
        assertThat(violations).isEmpty();
    }

    @Test
    void theRuleItselfCatchesAViolation() {
        String src = "package dev.ballast.store;\nimport dev.ballast.api.Json;\n";
        Matcher imp = IMPORT.matcher(src);
        assertThat(imp.find()).isTrue();
        assertThat(ALLOWED.get("store")).doesNotContain(imp.group(1));
    }

    @Test
    void theAgentKnowsNoDatabase() {
        // the agent and its runtimes, protocol and remote client work on their own records (issue 10)
        Matcher imp = IMPORT.matcher("package dev.ballast.agent.docker;\nimport dev.ballast.store.TaskRow;\n");
        assertThat(imp.find()).isTrue();
        assertThat(imp.group(1)).isEqualTo("store");
        assertThat(ALLOWED.get("agent")).doesNotContain("store");
    }
}
