package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No inline fully-qualified class names in code (main and test sources): types are imported. */
class QualifiedNamesTest {
    private static final Pattern QUALIFIED = Pattern.compile(
            "(?<![\\w.\"])(?:java|javax|dev|com|org|io|picocli|software)\\.(?:[a-z_][a-z0-9_]*\\.)+[A-Z]\\w*");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");

    /** The inline qualified names on one line of code (comments, strings, imports and the package line skipped). */
    static List<String> qualifiedNames(String line) {
        String code = line.strip();
        if (code.startsWith("*")
                || code.startsWith("/*")
                || code.startsWith("//")
                || code.startsWith("import ")
                || code.startsWith("package ")) {
            return List.of();
        }
        code = STRING.matcher(code).replaceAll("\"\"");
        int comment = code.indexOf("//");
        if (comment >= 0) {
            code = code.substring(0, comment);
        }
        return QUALIFIED.matcher(code).results().map(m -> m.group()).toList();
    }

    @Test
    void typesAreImportedNotQualifiedInline() throws IOException {
        List<String> found = new ArrayList<>();
        for (String root : List.of("src/main/java", "src/test/java")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    boolean inTextBlock = false;
                    List<String> lines = Files.readAllLines(p);
                    for (int i = 0; i < lines.size(); i++) {
                        String line = lines.get(i);
                        if (line.split("\"\"\"", -1).length % 2 == 0) {
                            inTextBlock = !inTextBlock;
                            continue;
                        }
                        if (!inTextBlock) {
                            int n = i + 1;
                            qualifiedNames(line).forEach(q -> found.add(p + ":" + n + ": " + q));
                        }
                    }
                }
            }
        }
        assertThat(found)
                .as("inline fully-qualified names; import the type instead")
                .isEmpty();
    }

    @Test
    void theRuleCatchesAQualifiedName() {
        assertThat(qualifiedNames("        var m = new java.util.concurrent.ConcurrentHashMap<String, String>();"))
                .containsExactly("java.util.concurrent.ConcurrentHashMap");
        assertThat(qualifiedNames("    static AgentTasks of(dev.ballast.store.Store store) {"))
                .containsExactly("dev.ballast.store.Store");
        assertThat(qualifiedNames("import java.util.List;")).isEmpty();
        assertThat(qualifiedNames("        LOG.info(\"see java.util.List\"); // java.util.Map"))
                .isEmpty();
    }
}
