package dev.ballast.console;

import dev.ballast.lifecycle.Holding;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.lifecycle.PinnedDigests;
import dev.ballast.model.HoldingRole;
import dev.ballast.store.MissingImage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code /console/pins}: every digest services hold (active deployments and rollback targets), grouped by digest as
 * {@code ListPins} groups them ({@link PinnedDigests}): registry/repository, digest, the tags it was resolved from,
 * its holders and a {@code missing} badge when the server recorded the digest gone. Filters {@code ?cluster=NAME}
 * and {@code ?repository=PATH-or-glob}; {@value #PER_PAGE} digests per page ({@code ?page=N}).
 */
final class PinsPage implements Console.Pages {
    static final int PER_PAGE = 50;

    private final ConsoleContext context;

    PinsPage(ConsoleContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        routes.page("/pins", this::pins);
    }

    private void pins(Exchange x) {
        Optional<String> cluster = x.query("cluster").filter(c -> !c.isBlank());
        Optional<String> repository = x.query("repository").filter(r -> !r.isBlank());
        String clusterArn = cluster.map(this::clusterArn).orElse(null);
        Pattern glob = repository.map(PinsPage::glob).orElse(null);
        List<PinnedDigests.Pin> pins = PinnedDigests.group(
                new Holdings(context.store()).current(), new PinnedDigests.Filter(null, glob, clusterArn));
        Set<String> missing = context.store().missingImages().all().stream()
                .map(MissingImage::reference)
                .collect(Collectors.toSet());
        int pages = Math.max(1, (pins.size() + PER_PAGE - 1) / PER_PAGE);
        int page = Math.min(x.queryInt("page", 0), pages - 1);

        Html main = new Html(16_384);
        main.el("h1", "Pinned digests");
        main.el(
                "p",
                "The digests services launch from: their active deployments and the deployments a rollback would return"
                        + " to. A registry clean-up must keep them (ballast pins --output keep-list).");
        filterForm(main, cluster.orElse(""), repository.orElse(""));
        if (pins.isEmpty()) {
            main.el("p", "No pinned digest" + (cluster.isPresent() || repository.isPresent() ? " matches." : "."));
        } else {
            table(main, pins.subList(page * PER_PAGE, Math.min(pins.size(), (page + 1) * PER_PAGE)), missing, pins);
            Map<String, String> params = new LinkedHashMap<>();
            cluster.ifPresent(c -> params.put("cluster", c));
            repository.ifPresent(r -> params.put("repository", r));
            pager(main, "/console/pins", params, page, pages);
        }
        x.page(
                "Pinned digests",
                List.of(new Page.Crumb("Clusters", "/console/"), new Page.Crumb("Pinned digests", null)),
                main);
    }

    private static void table(Html h, List<PinnedDigests.Pin> shown, Set<String> missing, List<PinnedDigests.Pin> all) {
        long missingCount =
                all.stream().filter(p -> missing.contains(p.key().reference())).count();
        h.open("table", "class", "grid", "id", "pins");
        h.el(
                "caption",
                all.size()
                        + (all.size() == 1 ? " pinned digest" : " pinned digests")
                        + (missingCount > 0 ? ", " + missingCount + " missing from the registry" : ""));
        h.open("thead").open("tr");
        for (String col : List.of("Repository", "Digest", "Resolved from tags", "Held by", "State")) {
            h.el("th", col, "scope", "col");
        }
        h.close("tr").close("thead").open("tbody");
        for (PinnedDigests.Pin p : shown) {
            boolean gone = missing.contains(p.key().reference());
            h.open(
                    "tr",
                    "data-digest",
                    p.key().digest(),
                    "data-repository",
                    p.key().repository());
            h.open("th", "scope", "row")
                    .code(p.key().registry() + "/" + p.key().repository())
                    .close("th");
            h.open("td").el("code", p.key().digest(), "class", "digest").close("td");
            Set<String> tags = new LinkedHashSet<>();
            p.heldBy().forEach(held -> {
                if (held.tag() != null) {
                    tags.add(held.tag().tag());
                }
            });
            h.open("td");
            if (tags.isEmpty()) {
                h.text("— (pinned by digest)");
            } else {
                boolean first = true;
                for (String t : tags) {
                    if (!first) {
                        h.text(", ");
                    }
                    h.code(t);
                    first = false;
                }
            }
            h.close("td");
            h.open("td").open("ul", "class", "holders");
            for (Holding held : p.heldBy()) {
                String clusterName =
                        held.clusterArn().substring(held.clusterArn().lastIndexOf('/') + 1);
                h.open("li", "data-service", held.serviceName(), "data-deployment", held.deploymentId());
                h.a("/console/clusters/" + clusterName + "/services/" + held.serviceName(), held.serviceName());
                h.text(" (" + clusterName + ") · container " + held.container().containerName() + " · deployment ");
                h.code(held.deploymentId());
                h.text(" ");
                h.el(
                        "span",
                        held.role() == HoldingRole.ACTIVE ? "active" : "rollback target",
                        "class",
                        held.role() == HoldingRole.ACTIVE ? "badge badge-ok" : "badge badge-muted");
                h.close("li");
            }
            h.close("ul").close("td");
            h.open("td");
            if (gone) {
                h.el("span", "missing", "class", "badge badge-bad");
            } else {
                h.el("span", "held", "class", "badge badge-muted");
            }
            h.close("td");
            h.close("tr");
        }
        h.close("tbody").close("table");
    }

    private static void filterForm(Html h, String cluster, String repository) {
        h.open("form", "method", "get", "action", "/console/pins", "class", "filters");
        h.el("label", "Cluster", "for", "pins-cluster");
        h.empty("input", "type", "text", "id", "pins-cluster", "name", "cluster", "value", cluster);
        h.el("label", "Repository (a path, or a glob with *)", "for", "pins-repository");
        h.empty("input", "type", "text", "id", "pins-repository", "name", "repository", "value", repository);
        h.el("button", "Filter", "type", "submit", "class", "secondary");
        h.close("form");
    }

    /** Previous/next links of a paged list, keeping the filters in {@code params}. */
    static void pager(Html h, String path, Map<String, String> params, int page, int pages) {
        if (pages <= 1) {
            return;
        }
        h.open("nav", "class", "pager", "aria-label", "Pages");
        if (page > 0) {
            h.a(link(path, params, page - 1), "Previous page", "rel", "prev");
        }
        h.el("span", "Page " + (page + 1) + " of " + pages);
        if (page + 1 < pages) {
            h.a(link(path, params, page + 1), "Next page", "rel", "next");
        }
        h.close("nav");
    }

    private static String link(String path, Map<String, String> params, int page) {
        StringBuilder b = new StringBuilder(path).append("?page=").append(page);
        params.forEach(
                (k, v) -> b.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return b.toString();
    }

    private String clusterArn(String name) {
        return Lookups.activeCluster(context.store(), name).arn();
    }

    private static Pattern glob(String text) {
        try {
            return PinnedDigests.repositoryGlob(text);
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(400, "Repository filter '" + text + "': " + e.getMessage() + ".");
        }
    }
}
