package dev.ballast.console;

import dev.ballast.store.ClusterCounts;
import dev.ballast.store.ClusterRecord;
import java.util.ArrayList;
import java.util.List;

/** The console's home: every ACTIVE cluster with its counts, each linking to its services. */
final class ClustersPage implements Console.Pages {
    private final ConsoleContext context;

    ClustersPage(ConsoleContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.page("/", this::clusters);
    }

    private void clusters(Exchange x) {
        List<ClusterRecord> clusters = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> names = context.store().clusters().listActive(after, 500);
            names.forEach(n -> context.store().clusters().find(n).ifPresent(clusters::add));
            if (names.size() < 500) {
                break;
            }
            after = names.getLast();
        }
        Html table = new Html();
        if (clusters.isEmpty()) {
            table.el("p", "No clusters yet: aws ecs create-cluster --cluster-name NAME --endpoint-url …");
        } else {
            table.open("table", "class", "grid");
            table.el("caption", clusters.size() + (clusters.size() == 1 ? " cluster" : " clusters"));
            table.open("thead").open("tr");
            for (String col : List.of("Cluster", "Services", "Running tasks", "Pending tasks", "Container instances")) {
                table.el("th", col, "scope", "col");
            }
            table.close("tr").close("thead").open("tbody");
            for (ClusterRecord c : clusters) {
                ClusterCounts n = context.store().clusters().counts(c.name());
                table.open("tr");
                table.open("th", "scope", "row")
                        .a("/console/clusters/" + c.name(), c.name())
                        .close("th");
                table.el("td", n.activeServices(), "class", "num");
                table.el("td", n.runningTasks(), "class", "num");
                table.el("td", n.pendingTasks(), "class", "num");
                table.el("td", n.instances(), "class", "num");
                table.close("tr");
            }
            table.close("tbody").close("table");
        }
        Html main = new Html();
        main.el("h1", "Clusters");
        main.raw(Live.region("clusters", "/console/", "Clusters", table).html());
        if (x.part().isPresent()) {
            if (!x.part().get().equals("clusters")) {
                throw ConsoleException.notFound("Live part " + x.part().get() + " of this page");
            }
            x.sendPart(Live.region("clusters", "/console/", "Clusters", table));
            return;
        }
        x.page("Clusters", List.of(new Page.Crumb("Clusters", "/console/")), main);
    }
}
