package dev.ballast.console;

import static dev.ballast.console.ServicePageFormat.badge;
import static dev.ballast.console.ServicePageFormat.encode;

import dev.ballast.core.ModelJson;
import dev.ballast.lifecycle.ServiceDrift;
import dev.ballast.model.CapacityProviderStrategyItem;
import dev.ballast.model.DeploymentConfiguration;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.LaunchSpec;
import dev.ballast.model.ServiceStatus;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRows;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A service's page: its facts and image-lifecycle policy (live region {@value #SUMMARY}), the tasks summary, the
 * deployments timeline with each revision's resolution record ({@value #DEPLOYMENTS}), drift ({@value #DRIFT}),
 * images at risk, a moved-tag wave in progress and the latest events. Everything is read from the store's typed rows
 * and the lifecycle views, no registry is asked; a live region's poll reads only what its region shows. Action links
 * (their confirmation pages are the actions' own) are offered to keys that are not read-only.
 */
final class ServicePage implements Console.Pages {
    static final String SUMMARY = "summary-live";
    static final String DEPLOYMENTS = "deployments-live";
    static final String DRIFT = "drift-live";
    static final String TASKS = "tasks-live";

    private final ConsoleContext context;

    ServicePage(ConsoleContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.page("/clusters/{cluster}/services/{service}", this::service);
    }

    private void service(Exchange x) {
        String cluster = x.path("cluster");
        String name = x.path("service");
        ServiceRow service = Lookups.liveService(context.store(), cluster, name);
        String base = ServicePageFormat.base(cluster, name);
        ServicePageData data = new ServicePageData(context.store(), service);
        long now = context.clock().millis();
        Session session = x.session();
        Optional<String> part = x.part();
        if (part.isPresent()) {
            x.sendPart(
                    switch (part.get()) {
                        case SUMMARY -> summary(data, session, base);
                        case DEPLOYMENTS -> deployments(data, session, base);
                        case DRIFT -> drift(data, base, now);
                        case TASKS -> Live.region(TASKS, base, "Tasks summary", tasks(data, base), Live.SLOW);
                        default -> throw ConsoleException.notFound("Live part " + part.get() + " of this page");
                    });
            return;
        }
        Html main = new Html(32_768);
        main.el("h1", name);
        if (!session.readOnly()) {
            main.open("nav", "aria-label", "Service actions", "class", "actions")
                    .open("ul");
            main.open("li").a(base + "/force", "Force new deployment").close("li");
            main.open("li").a(base + "/scale", "Scale").close("li");
            main.close("ul").close("nav");
        }
        section(main, "summary", "Summary", summary(data, session, base).html());
        // the drift reads the live tasks; the tasks summary reuses them
        Live.Region drift = drift(data, base, now);
        section(
                main,
                "tasks-summary",
                "Tasks",
                Live.region(TASKS, base, "Tasks summary", tasks(data, base), Live.SLOW)
                        .html());
        section(
                main,
                "deployments",
                "Deployments",
                deployments(data, session, base).html());
        section(main, "drift", "Drift", drift.html());
        section(main, "images", "Images at risk", ServicePageRisks.images(data));
        section(main, "wave", "Moved-tag wave", ServicePageRisks.wave(data));
        section(main, "events", "Events", ServicePageRisks.events(data));
        x.page(
                name,
                List.of(
                        new Page.Crumb("Clusters", "/console/"),
                        new Page.Crumb(cluster, "/console/clusters/" + cluster),
                        new Page.Crumb(name, base)),
                main);
    }

    private static void section(Html main, String id, String title, Html content) {
        main.open("section", "id", id, "aria-labelledby", id + "-title");
        main.el("h2", title, "id", id + "-title");
        main.raw(content);
        main.close("section");
    }

    private static Live.Region deployments(ServicePageData data, Session session, String base) {
        return Live.region(DEPLOYMENTS, base, "Deployments", ServicePageDeployments.render(data, session, base));
    }

    private static Live.Region drift(ServicePageData data, String base, long now) {
        return Live.region(DRIFT, base, "Drift", ServicePageRisks.drift(data, base, now));
    }

    /** Status, task definition, counts, launch, deployment configuration, image-lifecycle policy, approval. */
    private static Live.Region summary(ServicePageData data, Session session, String base) {
        ServiceRow s = data.service();
        TaskRows.Counts total = data.total();
        Html h = new Html();
        h.open("dl", "class", "facts");
        h.el("dt", "Status");
        h.open("dd");
        ServiceStatus status = ServiceStatus.fromWire(s.status());
        badge(h, status.wire(), status == ServiceStatus.ACTIVE ? "ok" : "muted");
        h.close("dd");
        h.el("dt", "Task definition");
        h.open("dd").code(s.taskDefinitionArn()).close("dd");
        h.el("dt", "Desired / running / pending");
        h.el("dd", s.desiredCount() + " / " + total.running() + " / " + total.pending(), "class", "counts");
        LaunchSpec launch = ModelJson.launchSpec(s.spec());
        if (launch.capacityProviderStrategy().isEmpty()) {
            h.el("dt", "Launch type");
            h.el("dd", launch.effectiveLaunchType().wire());
        } else {
            h.el("dt", "Capacity provider strategy");
            h.el(
                    "dd",
                    launch.capacityProviderStrategy().stream()
                            .map(ServicePage::strategy)
                            .collect(Collectors.joining("; ")));
        }
        DeploymentConfiguration config = ModelJson.deploymentConfiguration(
                s.spec() == null ? null : s.spec().get("deploymentConfiguration"));
        h.el("dt", "Deployment configuration");
        h.el(
                "dd",
                "minimum healthy " + config.minimumHealthyPercent() + " %, maximum " + config.maximumPercent()
                        + " %, circuit breaker "
                        + (config.circuitBreaker().enable()
                                ? "on (rollback " + (config.circuitBreaker().rollback() ? "on" : "off") + ")"
                                : "off"));
        ImageLifecyclePolicy p = data.policy();
        h.el("dt", "Image lifecycle policy");
        h.el(
                "dd",
                "on missing image: " + p.onMissingImage().wire() + " · refresh: " + onOff(p.refresh())
                        + " · autoRedeploy: " + onOff(p.autoRedeploy()) + " · cooldown " + p.cooldownSeconds()
                        + " s · requireApproval: " + onOff(p.requireApproval())
                        + (data.storedPolicy().isEmpty() ? " (the default: no policy stored)" : ""));
        h.el("dt", "Approval");
        h.open("dd");
        approval(h, data, session, base);
        h.close("dd");
        h.close("dl");
        return Live.region(SUMMARY, base, "Summary", h);
    }

    private static void approval(Html h, ServicePageData data, Session session, String base) {
        if (!data.policy().requireApproval()) {
            h.text("not required by the policy");
            return;
        }
        Optional<String> awaiting = data.awaitingApproval();
        if (awaiting.isPresent()) {
            badge(h, "awaiting approval", "warn");
            h.text(" ");
            ServicePageFormat.digest(h, awaiting.get());
            if (!session.readOnly()) {
                h.text(" ").a(base + "/approve?digest=" + encode(awaiting.get()), "Approve");
            }
            return;
        }
        data.move()
                .ifPresentOrElse(
                        m -> {
                            h.text("approved: ");
                            ServicePageFormat.digest(h, m.digest());
                        },
                        () -> h.text("required; no digest is waiting"));
    }

    /** Tasks by status (of the live tasks the drift read), converged or not, and links to the task lists. */
    private static Html tasks(ServicePageData data, String base) {
        Map<TaskStatus, Integer> byStatus = new EnumMap<>(TaskStatus.class);
        for (TaskRow t : data.liveTasks()) {
            byStatus.merge(TaskStatus.fromWire(t.lastStatus()), 1, Integer::sum);
        }
        ServiceDrift drift = data.drift();
        Html h = new Html();
        h.open("dl", "class", "facts");
        if (byStatus.isEmpty()) {
            h.el("dt", "Not stopped");
            h.el("dd", "none");
        }
        byStatus.forEach((status, n) -> h.el("dt", status.wire()).el("dd", n, "class", "num"));
        int unconverged = drift.unconvergedTasks().size();
        int running = byStatus.getOrDefault(TaskStatus.RUNNING, 0);
        h.el("dt", "Converged");
        h.el("dd", Math.max(0, running - unconverged) + " of " + running + " running", "class", "num");
        h.el("dt", "Unconverged");
        h.el("dd", unconverged, "class", "num");
        h.close("dl");
        h.open("p")
                .a(base + "/tasks", "All tasks")
                .text(" · ")
                .a(base + "/tasks?status=" + TaskStatus.STOPPED.wire(), "Stopped tasks")
                .close("p");
        return h;
    }

    private static String strategy(CapacityProviderStrategyItem i) {
        return i.capacityProvider() + " (weight " + i.weight() + ", base " + i.base() + ")";
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }
}
