package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.Browser;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * One naming style for tests: a test that starts a real component (the CNCF registry, Podman, PostgreSQL, a
 * server or agent process) is an {@code *IT}, run by failsafe after packaging; {@code *Test} classes, run by
 * surefire, start none. Checked on the compiled test classes with ArchUnit: a call to a fixture's starting
 * method from a class whose top-level name ends in {@code Test} fails.
 */
class TestNamingTest {
    /** The fixtures' methods that start a real component (their other methods, such as {@code freePort}, do not). */
    private static final Map<Class<?>, Set<String>> STARTERS = Map.of(
            RegistryFixture.class, Set.of("start", "startWithBasicAuth", "startWithTokenAuth"),
            PodmanFixture.class, Set.of("start"),
            PostgresFixture.class, Set.of("newDatabase"),
            ServerProcess.class, Set.of("start", "runToExit"),
            AgentProcess.class, Set.of("start"),
            Browser.class, Set.of("start"));

    private static final JavaClasses TESTS = new ClassFileImporter().importPath(Path.of("target/test-classes"));

    /** Top-level test classes (nested classes and lambdas count as their outer class) that start a real component. */
    private static Set<String> starting(JavaClasses classes) {
        Set<String> out = new TreeSet<>();
        for (JavaClass c : classes) {
            for (JavaMethodCall call : c.getMethodCallsFromSelf()) {
                Set<String> methods = STARTERS.entrySet().stream()
                        .filter(e -> call.getTargetOwner().isEquivalentTo(e.getKey()))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElse(Set.of());
                if (methods.contains(call.getName())) {
                    String name = c.getName();
                    out.add(name.contains("$") ? name.substring(0, name.indexOf('$')) : name);
                }
            }
        }
        return out;
    }

    @Test
    void testsThatStartRealComponentsAreNamedIT() {
        Set<String> starting = starting(TESTS);
        assertThat(starting)
                .as("the scan finds the integration tests")
                .contains(
                        "dev.ballast.registry.RegistryClientIT",
                        "dev.ballast.agent.docker.DockerRuntimeIT",
                        "dev.ballast.api.PostgresApiContractIT");
        assertThat(starting)
                .as("classes run by surefire (*Test) that start a real component: rename them *IT")
                .noneMatch(name -> name.endsWith("Test"));
    }
}
