package dev.ballast.console;

import static dev.ballast.console.ServicePageFormat.badge;

import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.RolloutState;
import dev.ballast.store.ClusterCounts;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.TaskRows;
import java.util.List;
import java.util.Optional;

/**
 * A cluster's page: its counts and its services, 100 a page (cursor {@code ?after=NAME}), each with desired / running /
 * pending, the PRIMARY deployment's rollout state and the badges that call for attention — {@code drift} (a tag
 * serves other bytes than the deployment pinned, or tasks have not converged), {@code missing image} (a digest it
 * holds is recorded missing from its registry), {@code awaiting approval}. Badges are computed for the page shown
 * only, with the service page's own reads ({@link ServicePageData}). The table is a live region.
 */
final class ClusterPage implements Console.Pages {
    static final String SERVICES = "services-live";
    private static final int PAGE = 100;

    private final ConsoleContext context;

    ClusterPage(ConsoleContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.page("/clusters/{cluster}", this::cluster);
    }

    private void cluster(Exchange x) {
        String name = x.path("cluster");
        ClusterRecord cluster = Lookups.activeCluster(context.store(), name);
        String after = x.query("after").orElse(null);
        String url = "/console/clusters/" + name + (after == null ? "" : "?after=" + ServicePageFormat.encode(after));
        Live.Region services = Live.region(SERVICES, url, "Services", services(name, after), Live.SLOW);
        if (x.part().isPresent()) {
            if (!x.part().get().equals(SERVICES)) {
                throw ConsoleException.notFound("Live part " + x.part().get() + " of this page");
            }
            x.sendPart(services);
            return;
        }
        ClusterCounts n = context.store().clusters().counts(name);
        Html main = new Html(16_384);
        main.el("h1", name);
        main.open("dl", "class", "facts");
        main.el("dt", "ARN").open("dd").code(cluster.arn()).close("dd");
        main.el("dt", "Services").el("dd", n.activeServices() + " active, " + n.drainingServices() + " draining");
        main.el("dt", "Tasks").el("dd", n.runningTasks() + " running, " + n.pendingTasks() + " pending");
        main.el("dt", "Container instances").el("dd", n.instances());
        main.close("dl");
        main.open("p")
                .a("/console/policy?cluster=" + name, "Policy layers of this cluster")
                .text(" · ");
        main.a("/console/pins?cluster=" + name, "Pinned digests of this cluster")
                .close("p");
        main.open("section", "aria-labelledby", "services-title");
        main.el("h2", "Services", "id", "services-title");
        main.raw(services.html());
        main.close("section");
        x.page(
                name,
                List.of(new Page.Crumb("Clusters", "/console/"), new Page.Crumb(name, "/console/clusters/" + name)),
                main);
    }

    private Html services(String cluster, String after) {
        List<ServiceRow> page = context.store().services().list(cluster, after, PAGE + 1);
        boolean more = page.size() > PAGE;
        List<ServiceRow> shown = more ? page.subList(0, PAGE) : page;
        Html h = new Html(8_192 + shown.size() * 600);
        if (shown.isEmpty()) {
            h.el("p", after == null ? "No services in this cluster." : "No more services.");
        } else {
            h.open("table", "class", "grid", "id", "services");
            h.el("caption", "Services" + (after == null ? "" : " after " + after) + ", by name");
            h.open("thead").open("tr");
            for (String col : List.of(
                    "Service", "Status", "Task definition", "Desired", "Running", "Pending", "Rollout", "Attention")) {
                h.el("th", col, "scope", "col");
            }
            h.close("tr").close("thead").open("tbody");
            for (ServiceRow s : shown) {
                row(h, cluster, s);
            }
            h.close("tbody").close("table");
        }
        h.open("nav", "class", "pager", "aria-label", "Pages of services");
        if (after != null) {
            h.a("/console/clusters/" + cluster, "First page");
        }
        if (more) {
            h.a(
                    "/console/clusters/" + cluster + "?after="
                            + ServicePageFormat.encode(shown.getLast().name()),
                    "Next page");
        }
        h.close("nav");
        return h;
    }

    private void row(Html h, String cluster, ServiceRow s) {
        ServicePageData data = new ServicePageData(context.store(), s);
        TaskRows.Counts total = data.total();
        h.open("tr", "data-service", s.name());
        h.open("th", "scope", "row")
                .a(ServicePageFormat.base(cluster, s.name()), s.name())
                .close("th");
        h.el("td", s.status());
        h.el("td", family(s.taskDefinitionArn()));
        h.el("td", s.desiredCount(), "class", "num");
        h.el("td", total.running(), "class", "num");
        h.el("td", total.pending(), "class", "num");
        h.open("td");
        Optional<DeploymentRow> primary = data.deployments().stream()
                .filter(d -> DeploymentStatus.fromWire(d.status()) == DeploymentStatus.PRIMARY)
                .findFirst();
        primary.ifPresentOrElse(
                d -> {
                    RolloutState r = RolloutState.fromWire(d.rolloutState());
                    badge(h, r.wire(), ServicePageDeployments.rolloutKind(r));
                },
                () -> h.text("—"));
        h.close("td");
        h.open("td");
        boolean any = false;
        if (data.drift().drifted()) {
            badge(h, "drift", "warn");
            any = true;
        }
        if (data.holdsMissing()) {
            h.text(any ? " " : "");
            badge(h, "missing image", "bad");
            any = true;
        }
        if (data.awaitingApproval().isPresent()) {
            h.text(any ? " " : "");
            badge(h, "awaiting approval", "warn");
            any = true;
        }
        if (!any) {
            h.el("span", "none", "class", "muted");
        }
        h.close("td");
        h.close("tr");
    }

    /** {@code family:revision} of a task definition ARN. */
    static String family(String taskDefinitionArn) {
        return taskDefinitionArn == null ? "—" : taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
    }
}
