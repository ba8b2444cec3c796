package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The image and registry rows of the dependency table in docs/architecture.md: {@code image} uses no
 * other Ballast package and does no I/O; {@code registry} uses only {@code image} and {@code core}.
 */
class LayeringTest {

    @ParameterizedTest
    @CsvSource({"image, '', java.net;java.io;java.nio.file;java.net.http", "registry, image;core, ''"})
    void imports_follow_the_table(String pkg, String allowed, String forbiddenJdk) throws IOException {
        Set<String> ok = Set.of((pkg + ";" + allowed).split(";"));
        List<String> forbidden = forbiddenJdk.isEmpty() ? List.of() : List.of(forbiddenJdk.split(";"));
        Path dir = Path.of("src/main/java/dev/ballast", pkg);
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                for (String line : Files.readAllLines(f)) {
                    if (!line.startsWith("import ")) {
                        continue;
                    }
                    String imported = line.substring(7)
                            .replace("static ", "")
                            .replace(";", "")
                            .trim();
                    if (imported.startsWith("dev.ballast.")) {
                        String target =
                                imported.substring("dev.ballast.".length()).split("\\.")[0];
                        assertThat(ok).as(f + " imports " + imported).contains(target);
                    }
                    for (String jdk : forbidden) {
                        assertThat(imported).as(f + " does I/O via " + imported).doesNotStartWith(jdk + ".");
                    }
                }
            }
        }
    }
}
