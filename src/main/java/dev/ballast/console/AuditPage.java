package dev.ballast.console;

import dev.ballast.model.Severity;
import dev.ballast.resolve.Audit;
import dev.ballast.resolve.AuditFinding;
import dev.ballast.resolve.ManagedCatalog;
import dev.ballast.resolve.ServerAudit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /console/audit}: the findings of {@code ballast audit --live} over the server's ACTIVE task definitions (the
 * newest revision of each family), computed in-process ({@link ServerAudit}): the server's own policy decisions and
 * the digests it recorded missing; no registry is asked. Counts by severity at the top; {@code ?severity=} narrows
 * the list, {@code ?cluster=NAME} lets that cluster's rules and setting take part; {@value #PER_PAGE} findings per
 * page.
 */
final class AuditPage implements Console.Pages {
    static final int PER_PAGE = 50;

    private final ConsoleContext context;
    private final ServerAudit audit;

    AuditPage(ConsoleContext context) {
        this.context = context;
        this.audit = new ServerAudit(context.store(), ManagedCatalog.builtIn());
    }

    @Override
    public void register(Routes routes) {
        routes.page("/audit", this::audit);
    }

    /** One finding with the task definition revision it is in. */
    private record Row(ServerAudit.Audited taskDefinition, AuditFinding finding) {}

    private void audit(Exchange x) {
        Optional<String> severityText = x.query("severity").filter(s -> !s.isBlank());
        Optional<Severity> severity = severityText.map(AuditPage::severity);
        Optional<String> cluster = x.query("cluster").filter(c -> !c.isBlank());
        String clusterArn = cluster.map(this::clusterArn).orElse(null);
        List<ServerAudit.Audited> audited = audit.run(clusterArn, false);
        Map<Severity, Integer> counts = new EnumMap<>(Severity.class);
        List<Row> rows = new ArrayList<>();
        int containers = 0;
        for (ServerAudit.Audited td : audited) {
            for (Audit.ContainerAudit c : td.containers()) {
                containers++;
                for (AuditFinding f : c.findings()) {
                    counts.merge(f.severity(), 1, Integer::sum);
                    if (severity.isEmpty() || severity.get() == f.severity()) {
                        rows.add(new Row(td, f));
                    }
                }
            }
        }
        rows.sort((a, b) -> a.finding().severity().compareTo(b.finding().severity()));
        int pages = Math.max(1, (rows.size() + PER_PAGE - 1) / PER_PAGE);
        int page = Math.min(x.queryInt("page", 0), pages - 1);

        Html main = new Html(16_384);
        main.el("h1", "Audit");
        main.el(
                "p",
                "The findings of ballast audit --live over " + audited.size() + " ACTIVE task definitions (the newest"
                        + " revision of each family, " + containers + " containers), with the server's policy"
                        + cluster.map(c -> " on cluster " + c).orElse(" (account rules and setting)") + ".");
        main.el("p", "registry checks: as recorded by the server", "id", "registry-checks");
        main.open("ul", "class", "counts", "id", "severity-counts", "aria-label", "Findings by severity");
        for (Severity s : Severity.values()) {
            int n = counts.getOrDefault(s, 0);
            main.open("li", "data-severity", s.wire());
            main.el("span", s.wire(), "class", badge(s));
            main.text(" " + n);
            main.close("li");
        }
        main.close("ul");
        filterForm(main, severityText.orElse(""), cluster.orElse(""));
        if (rows.isEmpty()) {
            main.el(
                    "p",
                    "No finding"
                            + (severity.isPresent()
                                    ? " of severity " + severity.get().wire()
                                    : "") + ".");
        } else {
            table(main, rows.subList(page * PER_PAGE, Math.min(rows.size(), (page + 1) * PER_PAGE)), rows.size());
            Map<String, String> params = new LinkedHashMap<>();
            severity.ifPresent(s -> params.put("severity", s.wire()));
            cluster.ifPresent(c -> params.put("cluster", c));
            PinsPage.pager(main, "/console/audit", params, page, pages);
        }
        x.page("Audit", List.of(new Page.Crumb("Clusters", "/console/"), new Page.Crumb("Audit", null)), main);
    }

    private static void table(Html h, List<Row> shown, int total) {
        h.open("table", "class", "grid", "id", "findings");
        h.el("caption", total + (total == 1 ? " finding" : " findings"));
        h.open("thead").open("tr");
        for (String col : List.of("Task definition", "Container", "Rule", "Severity", "Message", "Recommendation")) {
            h.el("th", col, "scope", "col");
        }
        h.close("tr").close("thead").open("tbody");
        for (Row r : shown) {
            AuditFinding f = r.finding();
            String td = r.taskDefinition().family() + ":" + r.taskDefinition().revision();
            h.open(
                    "tr",
                    "data-task-definition",
                    td,
                    "data-container",
                    f.container(),
                    "data-rule",
                    f.rule().id());
            h.open("th", "scope", "row").code(td).close("th");
            h.el("td", f.container());
            h.open("td").code(f.rule().id()).close("td");
            h.open("td")
                    .el("span", f.severity().wire(), "class", badge(f.severity()))
                    .close("td");
            h.el("td", f.message());
            h.el("td", f.recommendation());
            h.close("tr");
        }
        h.close("tbody").close("table");
    }

    private static String badge(Severity s) {
        return switch (s) {
            case ERROR -> "badge badge-bad";
            case WARNING -> "badge badge-warn";
            case NOTE -> "badge badge-muted";
        };
    }

    private static void filterForm(Html h, String severity, String cluster) {
        h.open("form", "method", "get", "action", "/console/audit", "class", "filters");
        h.el("label", "Severity", "for", "audit-severity");
        h.open("select", "id", "audit-severity", "name", "severity");
        h.el("option", "all", "value", "", "selected", severity.isEmpty() ? "" : null);
        for (Severity s : Severity.values()) {
            h.el("option", s.wire(), "value", s.wire(), "selected", s.wire().equals(severity) ? "" : null);
        }
        h.close("select");
        h.el("label", "Cluster (its rules and setting take part)", "for", "audit-cluster");
        h.empty("input", "type", "text", "id", "audit-cluster", "name", "cluster", "value", cluster);
        h.el("button", "Filter", "type", "submit", "class", "secondary");
        h.close("form");
    }

    private static Severity severity(String text) {
        try {
            return Severity.fromWire(text);
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(400, "Severity '" + text + "' is not one: use error, warning or note.");
        }
    }

    private String clusterArn(String name) {
        return Lookups.activeCluster(context.store(), name).arn();
    }
}
