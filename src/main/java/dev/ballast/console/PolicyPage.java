package dev.ballast.console;

import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.ServiceStatus;
import dev.ballast.resolve.ManagedCatalog;
import dev.ballast.resolve.PolicyExplainer;
import dev.ballast.resolve.PolicyInputs;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.ImageRules;
import dev.ballast.store.ServiceRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /console/policy}: the version-consistency policy's layers in the order they are consulted (container →
 * cluster image rules → account image rules and managed sidecars → cluster setting → account setting → system
 * default), each with its content and the containers it decides: every ACTIVE service's current task definition,
 * explained with the same inputs as ExplainPolicy ({@link PolicyExplainer}). {@code ?cluster=NAME} narrows to one
 * cluster. At most {@value #CAP} containers are listed per rule.
 */
final class PolicyPage implements Console.Pages {
    static final int CAP = 100;
    private static final int PAGE = 500;

    private final ConsoleContext context;
    private final PolicyExplainer explainer;

    PolicyPage(ConsoleContext context) {
        this.context = context;
        this.explainer = new PolicyExplainer(context.store(), ManagedCatalog.builtIn());
    }

    @Override
    public void register(Routes routes) {
        routes.page("/policy", this::policy);
    }

    /** One container of a service and what decided its mode. */
    record Decided(ClusterRecord cluster, ServiceRow service, String container, String image, Mode mode) {}

    private void policy(Exchange x) {
        Optional<String> filter = x.query("cluster").filter(c -> !c.isBlank());
        List<ClusterRecord> clusters = filter.isPresent() ? List.of(cluster(filter.get())) : activeClusters();
        PolicyInputs account = explainer.inputs(null);
        Map<String, List<Decided>> decided = new LinkedHashMap<>();
        Map<String, PolicyInputs> inputs = new LinkedHashMap<>();
        for (ClusterRecord c : clusters) {
            PolicyInputs in = explainer.inputs(c.arn());
            inputs.put(c.name(), in);
            for (ServiceRow s : activeServices(c.name())) {
                context.store()
                        .taskDefinitions()
                        .findByArn(s.taskDefinitionArn())
                        .ifPresent(td -> {
                            for (PolicyExplainer.Explained e : explainer.explain(td.definition(), in)) {
                                String scope = e.decision().layer() == Layer.CLUSTER_RULE
                                                || e.decision().layer() == Layer.CLUSTER_SETTING
                                        ? c.name()
                                        : "";
                                decided.computeIfAbsent(
                                                key(
                                                        e.decision().layer(),
                                                        scope,
                                                        e.decision().rule()),
                                                k -> new ArrayList<>())
                                        .add(new Decided(
                                                c,
                                                s,
                                                e.container().name(),
                                                e.container().image(),
                                                e.decision().mode()));
                            }
                        });
            }
        }

        Html main = new Html(16_384);
        main.el("h1", "Policy layers");
        main.el(
                "p",
                "The layers are consulted in this order for each container; the first that matches decides its"
                        + " version-consistency mode. Listed under each layer: the containers of the ACTIVE services'"
                        + " current task definitions it decides"
                        + (filter.isPresent() ? " on cluster " + filter.get() : "")
                        + ", as ExplainPolicy would answer now (a deployment keeps what was decided when it was"
                        + " created).");
        filterForm(main, filter.orElse(""));

        section(main, 1, Layer.CONTAINER, "Container: its own versionConsistency");
        main.el(
                "p",
                "enabled or consistent → consistent; disabled → disabled; absent or default → the next layers"
                        + " decide.");
        containers(main, Layer.CONTAINER, null, decided.get(key(Layer.CONTAINER, "", null)), "its own setting");
        main.close("section");

        section(main, 2, Layer.CLUSTER_RULE, "Cluster image rules");
        boolean anyRule = false;
        for (ClusterRecord c : clusters) {
            List<ImageRules.Rule> rules = context.store().imageRules().of(c.arn());
            for (ImageRules.Rule r : rules) {
                anyRule = true;
                main.open("h3")
                        .text("Cluster " + c.name() + ": ")
                        .code(r.pattern())
                        .text(" → " + r.mode());
                main.close("h3");
                containers(
                        main,
                        Layer.CLUSTER_RULE,
                        r.pattern(),
                        decided.get(key(Layer.CLUSTER_RULE, c.name(), r.pattern())),
                        "cluster " + c.name() + " rule " + r.pattern());
            }
        }
        if (!anyRule) {
            main.el("p", "No cluster image rules.", "class", "muted");
        }
        main.close("section");

        section(main, 3, Layer.ACCOUNT_RULE, "Account image rules and managed sidecars");
        List<ImageRules.Rule> accountRules = context.store().imageRules().of(ImageRules.ACCOUNT);
        if (accountRules.isEmpty()) {
            main.el("p", "No account image rules.", "class", "muted");
        }
        for (ImageRules.Rule r : accountRules) {
            main.open("h3").text("Account rule ").code(r.pattern()).text(" → " + r.mode());
            main.close("h3");
            containers(
                    main,
                    Layer.ACCOUNT_RULE,
                    r.pattern(),
                    decided.get(key(Layer.ACCOUNT_RULE, "", r.pattern())),
                    "account rule " + r.pattern());
        }
        catalog(main, decided, accountRules);
        main.close("section");

        section(main, 4, Layer.CLUSTER_SETTING, "Cluster setting versionConsistency");
        for (ClusterRecord c : clusters) {
            Optional<String> setting = inputs.get(c.name()).clusterSetting();
            main.open("h3")
                    .text("Cluster " + c.name() + ": " + setting.orElse("not set"))
                    .close("h3");
            if (setting.isPresent()) {
                containers(
                        main,
                        Layer.CLUSTER_SETTING,
                        null,
                        decided.get(key(Layer.CLUSTER_SETTING, c.name(), null)),
                        "cluster " + c.name() + "'s setting");
            }
        }
        if (clusters.isEmpty()) {
            main.el("p", "No clusters.", "class", "muted");
        }
        main.close("section");

        section(main, 5, Layer.ACCOUNT_SETTING, "Account setting versionConsistency");
        main.el("p", "Account setting: " + account.accountSetting().orElse("not set"));
        if (account.accountSetting().isPresent()) {
            containers(
                    main,
                    Layer.ACCOUNT_SETTING,
                    null,
                    decided.get(key(Layer.ACCOUNT_SETTING, "", null)),
                    "the account setting");
        }
        main.close("section");

        section(main, 6, Layer.SYSTEM_DEFAULT, "System default");
        main.el("p", "When no layer above decides: " + Mode.BEST_EFFORT.wire() + ".");
        containers(
                main,
                Layer.SYSTEM_DEFAULT,
                null,
                decided.get(key(Layer.SYSTEM_DEFAULT, "", null)),
                "the system default");
        main.close("section");

        x.page("Policy layers", List.of(new Page.Crumb("Clusters", "/console/"), new Page.Crumb("Policy", null)), main);
    }

    private void catalog(Html main, Map<String, List<Decided>> decided, List<ImageRules.Rule> accountRules) {
        List<ManagedCatalog.Entry> entries = explainer.evaluator().catalog().entries();
        main.el("h3", "Managed sidecar catalog", "id", "catalog-title");
        main.el(
                "p",
                "Well-known sidecars that follow their tags on purpose: disabled, unless a higher layer or an account"
                        + " rule at least as specific decides.");
        main.open("table", "class", "grid", "id", "catalog", "aria-labelledby", "catalog-title");
        main.open("thead").open("tr");
        for (String col : List.of("Pattern", "Sidecar", "Overridden by an account rule", "Containers decided")) {
            main.el("th", col, "scope", "col");
        }
        main.close("tr").close("thead").open("tbody");
        for (ManagedCatalog.Entry e : entries) {
            String pattern = e.pattern().text();
            List<Decided> d = decided.getOrDefault(key(Layer.MANAGED_CATALOG, "", pattern), List.of());
            boolean overridden = accountRules.stream().anyMatch(r -> r.pattern().equals(pattern));
            main.open("tr", "data-pattern", pattern);
            main.open("th", "scope", "row").code(pattern).close("th");
            main.el("td", e.sidecar());
            main.el("td", overridden ? "yes" : "no");
            main.el("td", d.size(), "class", "num");
            main.close("tr");
        }
        main.close("tbody").close("table");
        for (ManagedCatalog.Entry e : entries) {
            String pattern = e.pattern().text();
            List<Decided> d = decided.get(key(Layer.MANAGED_CATALOG, "", pattern));
            if (d != null) {
                main.open("h4").text("Catalog entry ").code(pattern).text(" (" + e.sidecar() + ")");
                main.close("h4");
                containers(main, Layer.MANAGED_CATALOG, pattern, d, "catalog entry " + pattern);
            }
        }
    }

    private static void section(Html main, int number, Layer layer, String title) {
        String id = "layer-" + layer.wire();
        main.open("section", "id", id, "aria-labelledby", id + "-title");
        main.el("h2", number + ". " + title, "id", id + "-title");
    }

    /** The containers a layer (or one rule of it) decides, at most {@value #CAP}. */
    static void containers(Html h, Layer layer, String rule, List<Decided> decided, String what) {
        if (decided == null || decided.isEmpty()) {
            h.el("p", "Decides no container of an ACTIVE service.", "class", "muted");
            return;
        }
        h.open("table", "class", "grid decided");
        h.el("caption", decided.size() + (decided.size() == 1 ? " container" : " containers") + " decided by " + what);
        h.open("thead").open("tr");
        for (String col : List.of("Service", "Container", "Image", "Mode")) {
            h.el("th", col, "scope", "col");
        }
        h.close("tr").close("thead").open("tbody");
        for (Decided d : decided.subList(0, Math.min(CAP, decided.size()))) {
            h.open(
                    "tr",
                    "data-layer",
                    layer.wire(),
                    "data-rule",
                    rule,
                    "data-service",
                    d.service().name(),
                    "data-container",
                    d.container());
            h.open("td")
                    .a(
                            "/console/clusters/" + d.cluster().name() + "/services/"
                                    + d.service().name(),
                            d.service().name())
                    .text(" (" + d.cluster().name() + ")")
                    .close("td");
            h.el("td", d.container());
            h.open("td").code(d.image()).close("td");
            h.el("td", d.mode().wire());
            h.close("tr");
        }
        h.close("tbody").close("table");
        if (decided.size() > CAP) {
            h.el("p", "and " + (decided.size() - CAP) + " more", "class", "muted");
        }
    }

    private static void filterForm(Html h, String cluster) {
        h.open("form", "method", "get", "action", "/console/policy", "class", "filters");
        h.el("label", "Cluster", "for", "policy-cluster");
        h.empty("input", "type", "text", "id", "policy-cluster", "name", "cluster", "value", cluster);
        h.el("button", "Show", "type", "submit", "class", "secondary");
        h.close("form");
    }

    private static String key(Layer layer, String scope, String rule) {
        return layer.wire() + "\n" + scope + "\n" + (rule == null ? "" : rule);
    }

    private ClusterRecord cluster(String name) {
        return Lookups.activeCluster(context.store(), name);
    }

    private List<ClusterRecord> activeClusters() {
        List<ClusterRecord> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<String> names = context.store().clusters().listActive(after, PAGE);
            names.forEach(n -> context.store().clusters().find(n).ifPresent(out::add));
            if (names.size() < PAGE) {
                return out;
            }
            after = names.getLast();
        }
    }

    private List<ServiceRow> activeServices(String cluster) {
        List<ServiceRow> out = new ArrayList<>();
        String after = null;
        while (true) {
            List<ServiceRow> page = context.store().services().list(cluster, after, PAGE);
            page.stream()
                    .filter(s -> ServiceStatus.fromWire(s.status()) == ServiceStatus.ACTIVE)
                    .forEach(out::add);
            if (page.size() < PAGE) {
                return out;
            }
            after = page.getLast().name();
        }
    }
}
