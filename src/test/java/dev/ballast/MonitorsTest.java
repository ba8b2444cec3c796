package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No monitor is held across blocking I/O: {@code synchronized} appears only where the guarded code touches
 * memory alone. A lock held across a store, registry or engine call uses {@code ReentrantLock} (a monitor
 * pins a virtual thread's carrier on older JDKs, and stalls every other caller for the length of the call).
 */
class MonitorsTest {
    /** Files (relative to {@code dev/ballast/}) whose monitors guard in-memory state only. */
    private static final Set<String> IN_MEMORY_ONLY = Set.of(
            "api/BodyBudget.java", // counters of the body budget
            "registry/RegistryLabels.java", // the set of metric labels seen
            "registry/RequestBudget.java", // one token bucket's counters; no I/O while it is held
            "core/RepeatedLog.java"); // the map of recent lines; logging happens after the monitor is released

    private static final Pattern SYNCHRONIZED = Pattern.compile("\\bsynchronized\\b");

    @Test
    void synchronizedOnlyGuardsInMemoryState() throws IOException {
        Path root = Path.of("src/main/java/dev/ballast");
        Set<String> found = new TreeSet<>();
        try (Stream<Path> sources = Files.walk(root)) {
            for (Path p : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                if (SYNCHRONIZED.matcher(Files.readString(p)).find()) {
                    found.add(root.relativize(p).toString().replace('\\', '/'));
                }
            }
        }
        assertThat(found)
                .as("files using synchronized; move I/O out of the monitor or use a ReentrantLock, then list "
                        + "a file here only if its monitors guard memory alone")
                .isSubsetOf(IN_MEMORY_ONLY);
        assertThat(found).as("the scan finds the monitors it allows").contains("api/BodyBudget.java");
    }
}
