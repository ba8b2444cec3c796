package dev.ballast;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.ballast.api.Json;
import dev.ballast.model.ModelArchitectureFixtures;
import dev.ballast.store.StoreArchitectureFixture;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Enforces the one-way package dependencies of docs/architecture.md on the main classes, with ArchUnit: every
 * class of a package depends only on its own package (sub-packages included), the packages its row allows, and
 * classes outside Ballast; {@code model} depends only on itself, the JDK and Jackson's annotations.
 */
class ArchitectureTest {
    /** The dependency table of docs/architecture.md: package → the Ballast packages it may use. */
    static final Map<String, Set<String>> ALLOWED = Map.ofEntries(
            Map.entry("model", Set.of()),
            Map.entry("core", Set.of("model")),
            Map.entry("image", Set.of("core", "model")),
            Map.entry("registry", Set.of("image", "core", "model")),
            Map.entry("resolve", Set.of("registry", "image", "store", "core", "model")),
            Map.entry("store", Set.of("core", "model")),
            Map.entry("schedule", Set.of("resolve", "registry", "image", "store", "core", "model")),
            Map.entry("deploy", Set.of("schedule", "resolve", "registry", "image", "store", "core", "model")),
            Map.entry("agent", Set.of("registry", "image", "core", "model")),
            Map.entry(
                    "lifecycle",
                    Set.of("deploy", "schedule", "resolve", "registry", "image", "store", "core", "model")),
            Map.entry(
                    "api",
                    Set.of(
                            "lifecycle",
                            "deploy",
                            "schedule",
                            "resolve",
                            "registry",
                            "image",
                            "agent",
                            "store",
                            "core",
                            "model")),
            Map.entry(
                    "console",
                    Set.of(
                            "api",
                            "lifecycle",
                            "deploy",
                            "schedule",
                            "resolve",
                            "registry",
                            "image",
                            "store",
                            "core",
                            "model")),
            Map.entry(
                    "cli",
                    Set.of(
                            "console",
                            "api",
                            "lifecycle",
                            "deploy",
                            "schedule",
                            "resolve",
                            "registry",
                            "image",
                            "agent",
                            "store",
                            "core",
                            "model")));

    /** What {@code model} may use besides itself: the JDK and Jackson's annotations, nothing else. */
    private static final String[] MODEL_MAY_USE = {"dev.ballast.model..", "java..", "com.fasterxml.jackson.annotation.."
    };

    /** The main classes, read from the build's output directory (scanning the class path's jars would take long). */
    private static final JavaClasses MAIN = new ClassFileImporter().importPath(Path.of("target/classes"));

    /** One rule per row of the table, plus: every class lives in a package of the table. */
    static ArchRule dependencyTable() {
        List<ArchRule> rules = new ArrayList<>();
        rules.add(classes()
                .should()
                .resideInAnyPackage(ALLOWED.keySet().stream()
                        .map(p -> "dev.ballast." + p + "..")
                        .toArray(String[]::new))
                .as("every class lives in a package of the dependency table"));
        ALLOWED.forEach((pkg, allowed) -> {
            if (pkg.equals("model")) {
                rules.add(classes()
                        .that()
                        .resideInAPackage("dev.ballast.model..")
                        .should()
                        .onlyDependOnClassesThat()
                        .resideInAnyPackage(MODEL_MAY_USE)
                        .as("model depends only on itself, the JDK and Jackson's annotations")
                        .allowEmptyShould(true));
                return;
            }
            rules.add(classes()
                    .that()
                    .resideInAPackage("dev.ballast." + pkg + "..")
                    .should()
                    .onlyDependOnClassesThat(inBallastPackages(pkg, allowed).or(outsideBallast()))
                    .as(pkg + " depends only on " + (allowed.isEmpty() ? "itself" : allowed)
                            + " among Ballast's packages")
                    .allowEmptyShould(true)); // the self-tests check a few classes, not every package
        });
        return CompositeArchRule.of(rules);
    }

    private static DescribedPredicate<JavaClass> inBallastPackages(String own, Set<String> allowed) {
        List<String> packages = new ArrayList<>();
        packages.add("dev.ballast." + own + "..");
        allowed.forEach(p -> packages.add("dev.ballast." + p + ".."));
        return JavaClass.Predicates.resideInAnyPackage(packages.toArray(String[]::new));
    }

    private static DescribedPredicate<JavaClass> outsideBallast() {
        return JavaClass.Predicates.resideOutsideOfPackage("dev.ballast..");
    }

    @Test
    void mainClassesFollowTheDependencyTable() {
        assertThat(MAIN.size()).as("main classes imported").isGreaterThan(100);
        dependencyTable().check(MAIN);
    }

    @Test
    void theRuleCatchesAPackageUsingOneAboveIt() {
        EvaluationResult result = dependencyTable()
                .evaluate(new ClassFileImporter().importClasses(StoreArchitectureFixture.class, Json.class));
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(
                        d -> d.contains(StoreArchitectureFixture.class.getName()) && d.contains(Json.class.getName()));
    }

    @Test
    void theRuleCatchesModelUsingMoreThanJacksonAnnotations() {
        EvaluationResult result = dependencyTable()
                .evaluate(new ClassFileImporter()
                        .importClasses(
                                ModelArchitectureFixtures.UsingDatabind.class,
                                ModelArchitectureFixtures.UsingAnnotations.class));
        assertThat(result.getFailureReport().getDetails())
                .anyMatch(d -> d.contains("UsingDatabind") && d.contains("com.fasterxml.jackson.databind"))
                .noneMatch(d -> d.contains("UsingAnnotations"));
    }

    @Test
    void theAgentKnowsNoDatabase() {
        // the agent and its runtimes, protocol and remote client work on their own records (issue 10)
        // (the rule over the compiled classes, importsFollowTheDependencyTable, enforces it for agent.*)
        assertThat(ALLOWED.get("agent")).doesNotContain("store");
    }
}
