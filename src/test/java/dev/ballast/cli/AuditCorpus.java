package dev.ballast.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.ballast.api.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * The audit test corpus (src/test/resources/audit-corpus, 25 task definitions with their expected result in
 * expected-findings.tsv), the account rules it is audited with, and the official SARIF 2.1.0 schema (OASIS, errata
 * 01, committed as src/test/resources/sarif/sarif-schema-2.1.0.json) to validate SARIF logs against.
 */
final class AuditCorpus {
    private AuditCorpus() {}

    record Run(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Json.mapper().readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + out + err, e);
            }
        }
    }

    /** Runs {@code ballast ARGS} in-process. */
    static Run ballast(List<String> args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        picocli.CommandLine cmd = Main.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute(args.toArray(String[]::new));
        return new Run(exit, out.toString(), err.toString());
    }

    static Path resource(String name) {
        try {
            return Path.of(Objects.requireNonNull(AuditCorpus.class.getResource("/" + name), name)
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path corpus() {
        return resource("audit-corpus");
    }

    static Path rules() {
        return resource("audit-rules.json");
    }

    /** The task definition files at the top of the corpus (those that name no test registry). */
    static List<Path> offlineFiles() {
        try (Stream<Path> files = Files.list(corpus())) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The expected lines, {@code file container mode layer rules}, whose file is (not) under registry/. */
    static List<String> expected(boolean registry) {
        try {
            return Files.readAllLines(corpus().resolve("expected-findings.tsv")).stream()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .filter(l -> l.startsWith("registry/") == registry)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report of {@code --output json} as expected-findings lines, files relative to {@code root}. */
    static List<String> actual(JsonNode report, Path root) {
        List<String> out = new ArrayList<>();
        for (JsonNode td : report.path("taskDefinitions")) {
            String file = root.relativize(Path.of(td.path("source").asText()))
                    .toString()
                    .replace('\\', '/');
            for (JsonNode c : td.path("containers")) {
                String name = c.path("containerName").asText();
                List<String> rules = new ArrayList<>();
                for (JsonNode f : td.path("findings")) {
                    if (f.path("containerName").asText().equals(name)) {
                        rules.add(f.path("ruleId").asText());
                    }
                }
                out.add(String.join(
                        "\t",
                        file,
                        name,
                        c.path("mode").asText(),
                        c.path("decidedBy").asText(),
                        rules.isEmpty() ? "-" : String.join(",", rules)));
            }
        }
        return out;
    }

    /** Copies the corpus to {@code target}, replacing each {@code {{KEY}}} by its value. */
    static void materialise(Path target, Map<String, String> values) {
        try (Stream<Path> files = Files.walk(corpus())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path to = target.resolve(corpus().relativize(f).toString());
                Files.createDirectories(to.getParent());
                String text = Files.readString(f);
                for (Map.Entry<String, String> e : values.entrySet()) {
                    text = text.replace("{{" + e.getKey() + "}}", e.getValue());
                }
                Files.writeString(to, text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The violations of the SARIF 2.1.0 schema in {@code sarif}, as text (empty when it validates). */
    static List<String> sarifViolations(String sarif) {
        try {
            Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(Files.readString(resource("sarif/sarif-schema-2.1.0.json")), InputFormat.JSON);
            return schema.validate(sarif, InputFormat.JSON).stream()
                    .map(Error::toString)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
