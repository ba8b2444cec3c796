package dev.ballast.cli;

import static dev.ballast.cli.AuditCorpus.ballast;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ballast audit --offline} in-process over the corpus: results, output forms, exit codes, bad input. */
class AuditCommandTest {

    private static List<String> offline(String... more) {
        List<String> args = new ArrayList<>(
                List.of("audit", "--offline", "--rules", AuditCorpus.rules().toString()));
        args.addAll(List.of(more));
        AuditCorpus.offlineFiles().forEach(f -> args.add(f.toString()));
        return args;
    }

    @Test
    void the_corpus_gives_the_expected_modes_and_findings() {
        AuditCorpus.Run run = ballast(offline("--output", "json"));
        assertThat(run.err()).isEmpty();
        assertThat(AuditCorpus.actual(run.json(), AuditCorpus.corpus()))
                .containsExactlyElementsOf(AuditCorpus.expected(false));
        assertThat(run.json().path("summary").path("taskDefinitions").asInt()).isEqualTo(21);
        assertThat(run.exit()).as("invalid-image is an error").isEqualTo(1);
    }

    @Test
    void findings_carry_a_message_a_recommendation_and_the_containers_line() {
        JsonNode report = ballast(offline("--output", "json")).json();
        JsonNode strict = Stream.of(report.path("taskDefinitions"))
                .flatMap(a -> StreamSupport.stream(a.spliterator(), false))
                .filter(t -> t.path("source").asText().endsWith("strict-mutable-stable.json"))
                .findFirst()
                .orElseThrow();
        JsonNode f = strict.path("findings").get(0);
        assertThat(f.path("severity").asText()).isEqualTo("warning");
        assertThat(f.path("message").asText())
                .isEqualTo("container frontend (ghcr.io/acme/frontend:stable) is strict (consistent, decided by "
                        + "account-rule '*/acme/*') but runs tag stable, which is not a version");
        assertThat(f.path("recommendation").asText()).startsWith("Use an immutable tag");
        assertThat(f.path("line").asInt())
                .as("the container's object starts on line 4")
                .isEqualTo(4);
    }

    @Test
    void fail_on_sets_the_exit_code() {
        assertThat(ballast(offline("--fail-on", "none")).exit()).isZero();
        assertThat(ballast(offline("--fail-on", "note")).exit()).isEqualTo(1);
        List<String> clean = List.of(
                "audit",
                "--offline",
                AuditCorpus.corpus().resolve("mesh-envoy.json").toString(),
                AuditCorpus.corpus().resolve("disabled-app.json").toString());
        List<String> warning = new ArrayList<>(clean);
        warning.add("--fail-on=warning");
        assertThat(ballast(clean).exit()).as("only a note: below error").isZero();
        assertThat(ballast(warning).exit()).as("only a note: below warning").isZero();
        List<String> note = new ArrayList<>(clean);
        note.add("--fail-on=note");
        assertThat(ballast(note).exit()).isEqualTo(1);
    }

    @Test
    void sarif_validates_against_the_official_schema() {
        AuditCorpus.Run run = ballast(offline("--output", "sarif"));
        assertThat(AuditCorpus.sarifViolations(run.out())).isEmpty();
        JsonNode sarif = run.json();
        assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
        JsonNode driver = sarif.path("runs").get(0).path("tool").path("driver");
        assertThat(driver.path("rules")).allSatisfy(r -> {
            assertThat(r.path("id").asText()).isNotEmpty();
            assertThat(r.path("shortDescription").path("text").asText()).isNotEmpty();
            assertThat(r.path("help").path("text").asText()).isNotEmpty();
        });
        JsonNode results = sarif.path("runs").get(0).path("results");
        assertThat(results).hasSize(11);
        JsonNode invalid = Stream.of(results)
                .flatMap(a -> StreamSupport.stream(a.spliterator(), false))
                .filter(r -> r.path("ruleId").asText().equals("invalid-image"))
                .findFirst()
                .orElseThrow();
        assertThat(invalid.path("level").asText()).isEqualTo("error");
        JsonNode location = invalid.path("locations").get(0);
        assertThat(location.path("physicalLocation")
                        .path("artifactLocation")
                        .path("uri")
                        .asText())
                .isEqualTo(AuditCorpus.corpus()
                        .resolve("invalid-image.json")
                        .toUri()
                        .toString());
        assertThat(location.path("physicalLocation")
                        .path("region")
                        .path("startLine")
                        .asInt())
                .isEqualTo(4);
        assertThat(location.path("logicalLocations")
                        .get(0)
                        .path("fullyQualifiedName")
                        .asText())
                .isEqualTo("typo/app");
    }

    @Test
    void the_schema_check_can_fail() {
        ObjectNode sarif = (ObjectNode) ballast(offline("--output", "sarif")).json();
        ((ObjectNode) sarif.path("runs").get(0).path("results").get(0)).put("level", "fatal");
        sarif.remove("version");
        assertThat(AuditCorpus.sarifViolations(sarif.toString())).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void relative_paths_become_relative_uris() {
        assertThat(SarifWriter.uri(Path.of("defs", "my app.json"))).isEqualTo("defs/my%20app.json");
    }

    @Test
    void account_setting_and_table_output() {
        AuditCorpus.Run run = ballast(List.of(
                "audit",
                "--offline",
                "--account-setting",
                "enabled",
                AuditCorpus.corpus().resolve("strict-major-only.json").toString(),
                AuditCorpus.corpus().resolve("batch-init-latest.json").toString()));
        assertThat(run.out())
                .contains("init                 consistent   account-setting  busybox:latest")
                .contains("warning mutable-tag-on-strict: container init (busybox:latest) is strict (consistent, "
                        + "decided by account-setting) but runs tag latest")
                .contains("2 task definitions, 3 containers; findings: errors 0, warnings 2, notes 0");
        assertThat(run.exit()).isZero();
    }

    @Test
    void bad_input_is_exit_2_naming_the_file(@TempDir Path dir) throws IOException {
        Path broken = Files.writeString(dir.resolve("broken.json"), "{\"family\": \"x\", ");
        Path notTd = Files.writeString(dir.resolve("service.json"), "{\"serviceName\": \"x\"}");
        Path noImage =
                Files.writeString(dir.resolve("no-image.json"), "{\"containerDefinitions\": [{\"name\": \"app\"}]}");
        Path rules = Files.writeString(dir.resolve("rules.json"), "[{\"pattern\": \"*\", \"mode\": \"strict\"}]");
        assertUsage(List.of("audit", "--offline", broken.toString()), broken + ": not valid JSON");
        assertUsage(List.of("audit", "--offline", notTd.toString()), notTd + ": not a task definition");
        assertUsage(List.of("audit", "--offline", noImage.toString()), noImage + ": container app has no image");
        assertUsage(List.of("audit", "--offline", dir.resolve("absent.json").toString()), "absent.json: no such file");
        assertUsage(
                List.of("audit", "--offline", "--rules", rules.toString(), noImage.toString()),
                "--rules " + rules + ": rule 1: invalid image rule mode \"strict\"");
        assertUsage(List.of("audit", "--fail-on", "fatal", noImage.toString()), "--fail-on: unknown severity");
        assertUsage(List.of("audit", "--account-setting", "on", noImage.toString()), "--account-setting: invalid");
        assertUsage(List.of("audit"), "name task definition files or directories, or use --live");
        assertUsage(List.of("audit", "--live", noImage.toString()), "--live audits the server");
    }

    private static void assertUsage(List<String> args, String message) {
        AuditCorpus.Run run = ballast(args);
        assertThat(run.exit()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(message);
        assertThat(run.out()).isEmpty();
    }
}
