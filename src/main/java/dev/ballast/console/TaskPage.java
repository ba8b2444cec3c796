package dev.ballast.console;

import static dev.ballast.console.ServicePageFormat.digest;
import static dev.ballast.console.ServicePageFormat.time;

import dev.ballast.model.HealthStatus;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.util.List;

/**
 * One task: its facts (statuses, times, stop code and reason, deployment, placement) and its containers — the image
 * as written, the digest it ran, status, health, exit code and reason. Nothing from the task definition's environment
 * or secrets is shown (they are not read).
 */
final class TaskPage implements Console.Pages {
    private final ConsoleContext context;

    TaskPage(ConsoleContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.page("/clusters/{cluster}/tasks/{task}", this::task);
    }

    /** The task id of a task ARN (its last path segment). */
    static String id(String taskArn) {
        return taskArn.substring(taskArn.lastIndexOf('/') + 1);
    }

    private void task(Exchange x) {
        String cluster = x.path("cluster");
        String id = x.path("task");
        TaskRow t = context.store()
                .tasks()
                .find(context.account().taskArn(cluster, id))
                .map(Versioned::value)
                .filter(row -> row.cluster().equals(cluster))
                .orElseThrow(() -> ConsoleException.notFound("Task " + id + " in cluster " + cluster));
        Html main = new Html(8_192);
        main.el("h1", "Task " + id);
        main.open("dl", "class", "facts");
        main.el("dt", "ARN").open("dd").code(t.arn()).close("dd");
        main.el("dt", "Last / desired status").el("dd", t.lastStatus() + " / " + t.desiredStatus());
        main.el("dt", "Task definition").open("dd").code(t.taskDefinitionArn()).close("dd");
        main.el("dt", "Service");
        main.open("dd");
        if (t.serviceArn() == null) {
            main.text("— (run by " + (t.startedBy() == null ? "RunTask" : t.startedBy()) + ")");
        } else {
            String service = t.serviceArn().substring(t.serviceArn().lastIndexOf('/') + 1);
            main.a(ServicePageFormat.base(cluster, service), service);
        }
        main.close("dd");
        main.el("dt", "Deployment").open("dd").code(t.deploymentId()).close("dd");
        main.el("dt", "Group").el("dd", t.group());
        main.el("dt", "Launch type")
                .el(
                        "dd",
                        t.launch().launchType() == null
                                ? "—"
                                : t.launch().launchType().wire());
        main.el("dt", "Container instance")
                .open("dd")
                .code(t.containerInstanceArn())
                .close("dd");
        main.el("dt", "Created").open("dd");
        time(main, t.createdAt());
        main.close("dd");
        main.el("dt", "Started").open("dd");
        time(main, t.startedAt());
        main.close("dd");
        main.el("dt", "Stopped").open("dd");
        time(main, t.stoppedAt());
        main.close("dd");
        main.el("dt", "Stop code").el("dd", t.stopCode() == null ? "—" : t.stopCode());
        main.el("dt", "Stopped reason").el("dd", t.stoppedReason() == null ? "—" : t.stoppedReason());
        main.close("dl");
        main.open("section", "aria-labelledby", "containers-title");
        main.el("h2", "Containers", "id", "containers-title");
        main.open("table", "class", "grid", "id", "containers");
        main.el("caption", t.containers().size() + " containers");
        main.open("thead").open("tr");
        for (String col : List.of(
                "Container", "Image as written", "Digest run", "Last status", "Health", "Exit code", "Reason")) {
            main.el("th", col, "scope", "col");
        }
        main.close("tr").close("thead").open("tbody");
        for (TaskRow.ContainerRow c : t.containers()) {
            main.open("tr", "data-container", c.name());
            main.el("th", c.name() + (c.essential() ? "" : " (not essential)"), "scope", "row");
            main.open("td").code(c.image()).close("td");
            main.open("td");
            digest(main, c.imageDigest());
            main.close("td");
            main.el("td", c.lastStatus());
            HealthStatus health = c.health();
            main.el("td", health == null ? "no health check" : health.wire());
            main.el("td", c.exitCode() == null ? "—" : c.exitCode(), "class", "num");
            main.el("td", c.reason() == null ? "—" : c.reason());
            main.close("tr");
        }
        main.close("tbody").close("table").close("section");
        String service = t.serviceArn() == null
                ? null
                : t.serviceArn().substring(t.serviceArn().lastIndexOf('/') + 1);
        List<Page.Crumb> crumbs = service == null
                ? List.of(
                        new Page.Crumb("Clusters", "/console/"),
                        new Page.Crumb(cluster, "/console/clusters/" + cluster),
                        new Page.Crumb("Task " + id, ""))
                : List.of(
                        new Page.Crumb("Clusters", "/console/"),
                        new Page.Crumb(cluster, "/console/clusters/" + cluster),
                        new Page.Crumb(service, ServicePageFormat.base(cluster, service)),
                        new Page.Crumb("Task " + id, ""));
        x.page("Task " + id, crumbs, main);
    }
}
