package dev.ballast.console;

import static dev.ballast.console.ServicePageFormat.badge;
import static dev.ballast.console.ServicePageFormat.time;

import dev.ballast.model.DesiredStatus;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.TaskRow;
import java.util.List;
import java.util.Set;

/**
 * A service's tasks, 50 a page in task-id order (cursor {@code ?after=ARN}, as ListTasks pages), filtered by desired
 * status ({@code ?status=RUNNING}, the default, or {@code STOPPED}). Running tasks say whether they converged: whether
 * their containers run the digests their deployment pinned (the drift's reading of the service's live tasks). Never
 * reads more task rows than the page shows, except that one drift reading.
 */
final class TasksPage implements Console.Pages {
    static final int PAGE = 50;

    private final ConsoleContext context;

    TasksPage(ConsoleContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.page("/clusters/{cluster}/services/{service}/tasks", this::tasks);
    }

    private void tasks(Exchange x) {
        String cluster = x.path("cluster");
        String name = x.path("service");
        ServiceRow service = Lookups.liveService(context.store(), cluster, name);
        DesiredStatus status = status(x.query("status").orElse(DesiredStatus.RUNNING.wire()));
        String after = x.query("after").orElse(null);
        List<TaskRow> page =
                context.store().tasks().list(cluster, service.arn(), null, status.wire(), null, null, after, PAGE + 1);
        boolean more = page.size() > PAGE;
        List<TaskRow> shown = more ? page.subList(0, PAGE) : page;
        Set<String> unconverged = status == DesiredStatus.RUNNING
                ? new ServicePageData(context.store(), service).drift().unconvergedTasks()
                : Set.of();
        String base = ServicePageFormat.base(cluster, name) + "/tasks";
        Html main = new Html(8_192 + shown.size() * 700);
        main.el("h1", "Tasks of " + name);
        main.open("nav", "class", "pager", "aria-label", "Task filter");
        for (DesiredStatus s : List.of(DesiredStatus.RUNNING, DesiredStatus.STOPPED)) {
            String label = s == DesiredStatus.RUNNING ? "Running (desired RUNNING)" : "Stopped (desired STOPPED)";
            if (s == status) {
                main.el("span", label, "aria-current", "page");
            } else {
                main.a(base + "?status=" + s.wire(), label);
            }
        }
        main.close("nav");
        if (shown.isEmpty()) {
            main.el("p", after == null ? "No tasks with desired status " + status.wire() + "." : "No more tasks.");
        } else {
            main.open("table", "class", "grid", "id", "tasks");
            main.el("caption", "Tasks with desired status " + status.wire() + ", by task id");
            main.open("thead").open("tr");
            for (String col : List.of(
                    "Task", "Last status", "Desired", "Deployment", "Task definition", "Started", "Converged")) {
                main.el("th", col, "scope", "col");
            }
            main.close("tr").close("thead").open("tbody");
            for (TaskRow t : shown) {
                String id = TaskPage.id(t.arn());
                main.open("tr", "data-task", id);
                main.open("th", "scope", "row")
                        .a("/console/clusters/" + cluster + "/tasks/" + id, id)
                        .close("th");
                main.el("td", t.lastStatus());
                main.el("td", t.desiredStatus());
                main.open("td").code(t.deploymentId()).close("td");
                main.el("td", ClusterPage.family(t.taskDefinitionArn()));
                main.open("td");
                time(main, t.startedAt());
                main.close("td");
                main.open("td");
                if (status != DesiredStatus.RUNNING) {
                    main.text("—");
                } else if (unconverged.contains(t.arn())) {
                    badge(main, "not converged", "warn");
                } else {
                    badge(main, "converged", "ok");
                }
                main.close("td");
                main.close("tr");
            }
            main.close("tbody").close("table");
        }
        main.open("nav", "class", "pager", "aria-label", "Pages of tasks");
        if (after != null) {
            main.a(base + "?status=" + status.wire(), "First page");
        }
        if (more) {
            main.a(
                    base + "?status=" + status.wire() + "&after="
                            + ServicePageFormat.encode(shown.getLast().arn()),
                    "Next page");
        }
        main.close("nav");
        x.page(
                "Tasks of " + name,
                List.of(
                        new Page.Crumb("Clusters", "/console/"),
                        new Page.Crumb(cluster, "/console/clusters/" + cluster),
                        new Page.Crumb(name, ServicePageFormat.base(cluster, name)),
                        new Page.Crumb("Tasks", base)),
                main);
    }

    private static DesiredStatus status(String value) {
        try {
            DesiredStatus s = DesiredStatus.fromWire(value);
            if (s == DesiredStatus.PENDING) {
                throw new IllegalArgumentException(value);
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(
                    400, "Status '" + value + "' is not one of RUNNING, STOPPED (the tasks' desired status).");
        }
    }
}
