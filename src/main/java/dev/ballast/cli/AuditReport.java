package dev.ballast.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.Json;
import dev.ballast.model.Severity;
import dev.ballast.resolve.Audit.ContainerAudit;
import dev.ballast.resolve.AuditFinding;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** What {@code ballast audit} found, per task definition, and its table and JSON forms. */
record AuditReport(List<Audited> taskDefinitions) {
    AuditReport {
        taskDefinitions = List.copyOf(taskDefinitions);
    }

    /**
     * One audited task definition.
     *
     * @param file the file it was read from (file mode), else null
     * @param arn its ARN (live mode, or a DescribeTaskDefinition answer), else null
     * @param family its family, or null when the document names none
     * @param cluster the cluster whose layers decided (live mode with --cluster), else null
     * @param containers the containers in document order
     * @param lines the 1-based line of each container in {@code file}, by index (may be empty)
     */
    record Audited(
            Path file,
            String arn,
            String family,
            String cluster,
            List<ContainerAudit> containers,
            Map<Integer, Integer> lines) {
        Audited {
            containers = List.copyOf(containers);
            lines = Map.copyOf(lines);
        }

        /** The file or, in live mode, the ARN: what the table and JSON name. */
        String source() {
            return file != null ? file.toString() : arn;
        }

        /** The line of the container named {@code name} in the file, if known. */
        Optional<Integer> line(String name) {
            for (int i = 0; i < containers.size(); i++) {
                if (containers.get(i).name().equals(name)) {
                    return Optional.ofNullable(lines.get(i));
                }
            }
            return Optional.empty();
        }
    }

    /** Findings by severity, every severity present (0 when none). */
    Map<Severity, Integer> counts() {
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        for (Severity s : Severity.values()) {
            counts.put(s, 0);
        }
        findings().forEach(f -> counts.merge(f.severity(), 1, Integer::sum));
        return counts;
    }

    /** Every finding, in report order. */
    List<AuditFinding> findings() {
        return taskDefinitions.stream()
                .flatMap(t -> t.containers().stream())
                .flatMap(c -> c.findings().stream())
                .toList();
    }

    /** True when a finding at {@code threshold} or more serious exists. */
    boolean fails(Severity threshold) {
        Objects.requireNonNull(threshold, "threshold");
        return findings().stream().anyMatch(f -> f.severity().atLeast(threshold));
    }

    /** The human form: per task definition its containers' modes, then its findings; a summary line last. */
    void table(PrintWriter out) {
        for (Audited t : taskDefinitions) {
            out.println(t.source()
                    + (t.family() == null ? "" : " (family " + t.family() + ")")
                    + (t.cluster() == null ? "" : " on " + t.cluster()));
            out.printf("  %-20s %-12s %-16s %s%n", "CONTAINER", "MODE", "DECIDED BY", "IMAGE [RULE]");
            for (ContainerAudit c : t.containers()) {
                out.printf(
                        "  %-20s %-12s %-16s %s%s%n",
                        c.name(),
                        c.decision().mode().wire(),
                        c.decision().layer().wire(),
                        c.image(),
                        c.decision().rule() == null ? "" : " [" + c.decision().rule() + "]");
            }
            for (ContainerAudit c : t.containers()) {
                for (AuditFinding f : c.findings()) {
                    out.printf("  %-7s %s: %s%n", f.severity().wire(), f.rule().id(), f.message());
                    out.println("          -> " + f.recommendation());
                }
            }
            out.println();
        }
        Map<Severity, Integer> counts = counts();
        int containers =
                taskDefinitions.stream().mapToInt(t -> t.containers().size()).sum();
        out.printf(
                "%d task definitions, %d containers; findings: errors %d, warnings %d, notes %d%n",
                taskDefinitions.size(),
                containers,
                counts.get(Severity.ERROR),
                counts.get(Severity.WARNING),
                counts.get(Severity.NOTE));
    }

    /** The JSON form (README, "ballast audit"). */
    ObjectNode json() {
        ObjectNode root = Json.object();
        ArrayNode tds = root.putArray("taskDefinitions");
        for (Audited t : taskDefinitions) {
            ObjectNode td = tds.addObject().put("source", t.source());
            if (t.arn() != null) {
                td.put("taskDefinitionArn", t.arn());
            }
            if (t.family() != null) {
                td.put("family", t.family());
            }
            if (t.cluster() != null) {
                td.put("cluster", t.cluster());
            }
            ArrayNode containers = td.putArray("containers");
            ArrayNode findings = td.putArray("findings");
            for (ContainerAudit c : t.containers()) {
                ObjectNode row = containers
                        .addObject()
                        .put("containerName", c.name())
                        .put("image", c.image())
                        .put("mode", c.decision().mode().wire())
                        .put("decidedBy", c.decision().layer().wire());
                if (c.decision().rule() != null) {
                    row.put("rule", c.decision().rule());
                }
                if (c.decision().note() != null) {
                    row.put("note", c.decision().note());
                }
                if (c.sidecar() != null) {
                    row.put("managedSidecar", c.sidecar());
                }
                for (AuditFinding f : c.findings()) {
                    ObjectNode fn = findings.addObject()
                            .put("ruleId", f.rule().id())
                            .put("severity", f.severity().wire())
                            .put("containerName", f.container())
                            .put("image", f.image())
                            .put("message", f.message())
                            .put("recommendation", f.recommendation());
                    t.line(c.name()).ifPresent(l -> fn.put("line", l));
                }
            }
        }
        ObjectNode summary = root.putObject("summary")
                .put("taskDefinitions", taskDefinitions.size())
                .put(
                        "containers",
                        taskDefinitions.stream()
                                .mapToInt(t -> t.containers().size())
                                .sum());
        counts().forEach((s, n) -> summary.put(s.wire() + "s", n));
        return root;
    }
}
