package dev.ballast.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.Json;
import dev.ballast.resolve.Audit.ContainerAudit;
import dev.ballast.resolve.AuditFinding;
import dev.ballast.resolve.AuditRule;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code ballast audit --output sarif}: the report as a SARIF 2.1.0 log (OASIS Static Analysis Results Interchange
 * Format 2.1.0, errata 01): one run whose {@code tool.driver} lists every {@link AuditRule} (id, name,
 * shortDescription, fullDescription, help, defaultConfiguration.level) and one result per finding (ruleId,
 * ruleIndex, level, message; a physical location with the file's URI and the container's line in file mode, a
 * logical location {@code <task definition>/<container>} always).
 */
final class SarifWriter {
    /** The {@code $schema} of the log: the OASIS-published SARIF 2.1.0 schema (errata 01). */
    static final String SCHEMA =
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    static final String VERSION = "2.1.0";

    private SarifWriter() {}

    static ObjectNode write(AuditReport report) {
        ObjectNode log = Json.object().put("$schema", SCHEMA).put("version", VERSION);
        ObjectNode run = log.putArray("runs").addObject();
        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", "ballast audit").put("version", Version.current());
        ArrayNode rules = driver.putArray("rules");
        for (AuditRule r : AuditRule.values()) {
            ObjectNode rule = rules.addObject().put("id", r.id()).put("name", camel(r.id()));
            rule.putObject("shortDescription").put("text", r.shortDescription());
            rule.putObject("fullDescription").put("text", r.help());
            rule.putObject("help").put("text", r.help());
            rule.putObject("defaultConfiguration").put("level", r.severity().wire());
        }
        ArrayNode results = run.putArray("results");
        for (AuditReport.Audited t : report.taskDefinitions()) {
            for (ContainerAudit c : t.containers()) {
                for (AuditFinding f : c.findings()) {
                    ObjectNode result = results.addObject()
                            .put("ruleId", f.rule().id())
                            .put("ruleIndex", f.rule().ordinal())
                            .put("level", f.severity().wire());
                    result.putObject("message").put("text", f.message() + ". " + f.recommendation());
                    ObjectNode location = result.putArray("locations").addObject();
                    if (t.file() != null) {
                        ObjectNode physical = location.putObject("physicalLocation");
                        physical.putObject("artifactLocation").put("uri", uri(t.file()));
                        t.line(c.name())
                                .ifPresent(l -> physical.putObject("region").put("startLine", l));
                    }
                    String owner = t.arn() != null ? t.arn() : t.family() != null ? t.family() : t.source();
                    location.putArray("logicalLocations")
                            .addObject()
                            .put("name", c.name())
                            .put("fullyQualifiedName", owner + "/" + c.name())
                            .put("kind", "member");
                }
            }
        }
        return log;
    }

    /** A relative path as a relative URI reference with {@code /} separators; an absolute one as a file URI. */
    static String uri(Path file) {
        if (file.isAbsolute()) {
            return file.toUri().toString();
        }
        StringBuilder sb = new StringBuilder();
        for (Path part : file.normalize()) {
            if (!sb.isEmpty()) {
                sb.append('/');
            }
            sb.append(Path.of("/").resolve(part.toString()).toUri().getRawPath().substring(1));
        }
        return sb.toString();
    }

    /** {@code pinned-digest-missing} → {@code PinnedDigestMissing}, the rule's SARIF {@code name}. */
    private static String camel(String id) {
        StringBuilder sb = new StringBuilder();
        for (String part : id.split("-")) {
            sb.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
        }
        return sb.toString();
    }
}
