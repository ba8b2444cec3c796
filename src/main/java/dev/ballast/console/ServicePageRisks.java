package dev.ballast.console;

import static dev.ballast.console.ServicePageFormat.badge;
import static dev.ballast.console.ServicePageFormat.digest;
import static dev.ballast.console.ServicePageFormat.time;
import static dev.ballast.console.ServicePageFormat.timeAgo;

import dev.ballast.lifecycle.ContainerDrift;
import dev.ballast.lifecycle.Holding;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.lifecycle.ServiceDrift;
import dev.ballast.model.DriftStatus;
import dev.ballast.model.HoldingRole;
import dev.ballast.store.Events;
import dev.ballast.store.MissingImage;
import dev.ballast.store.MovedTagRollouts;
import java.util.List;
import java.util.Optional;

/** The service page's drift, images at risk, moved-tag wave and events sections. */
final class ServicePageRisks {
    /** How many of the service's events the page shows. */
    static final int EVENTS = 50;

    private static final List<String> DRIFT_COLUMNS = List.of(
            "Container", "Tag", "Pinned digest", "Tag now", "Status", "Since", "Converged tasks", "Unconverged tasks");

    private ServicePageRisks() {}

    /** The content of the {@code drift-live} region: each container of the PRIMARY deployment. */
    static Html drift(ServicePageData data, String base, long now) {
        Html h = new Html();
        ServiceDrift drift = data.drift();
        if (drift.containers().isEmpty()) {
            h.el("p", "No PRIMARY deployment with a resolution record yet: nothing to compare.");
            return h;
        }
        h.open("p").text("Compared for deployment ").code(drift.deploymentId()).text(": ");
        if (drift.drifted()) {
            badge(h, "drifted", "bad");
            h.text(" a tag serves other bytes than the deployment pinned.");
        } else {
            h.text("no tag serves other bytes than the deployment pinned.");
        }
        h.close("p");
        h.open("table", "class", "grid");
        h.el("caption", "Tags now against the pins of the PRIMARY deployment");
        h.open("thead").open("tr");
        for (String col : DRIFT_COLUMNS) {
            h.el("th", col, "scope", "col");
        }
        h.close("tr").close("thead").open("tbody");
        for (ContainerDrift c : drift.containers()) {
            h.open("tr", "data-container", c.containerName());
            h.el("th", c.containerName(), "scope", "row");
            h.open("td");
            if (c.tag() == null) {
                h.text("—");
            } else {
                h.code(c.tag().toString());
            }
            h.close("td");
            h.open("td");
            digest(h, c.pinnedDigest());
            h.close("td");
            h.open("td");
            if (c.registryDigest() == null) {
                h.text("—");
            } else {
                h.el("code", c.registryDigest(), "class", "tag-now");
            }
            h.close("td");
            h.open("td");
            badge(h, c.status().drifted() ? "drifted" : c.status().wire(), kind(c.status()));
            if (c.detail() != null) {
                h.el("span", " " + c.detail(), "class", "muted");
            }
            h.close("td");
            h.open("td");
            if (c.since() == null) {
                h.text("—");
            } else {
                timeAgo(h, c.since(), now);
            }
            h.close("td");
            h.el(
                    "td",
                    c.convergedTasks() == null ? "—" : c.convergedTasks() + " of " + c.runningTasks(),
                    "class",
                    "num");
            h.open("td", "class", "num").text(c.unconvergedTasks().size());
            h.close("td");
            h.close("tr");
        }
        h.close("tbody").close("table");
        int unconverged = drift.unconvergedTasks().size();
        h.open("p").text(unconverged + (unconverged == 1 ? " running task has" : " running tasks have"));
        h.text(" not converged on what they should run. ")
                .a(base + "/tasks", "See the tasks")
                .close("p");
        return h;
    }

    private static String kind(DriftStatus s) {
        return switch (s) {
            case IN_SYNC -> "ok";
            case MOVED -> "bad";
            case TAG_MISSING, UNKNOWN -> "warn";
            case INDEX_CHANGED_PLATFORM_UNCHANGED, UNTAGGED -> "muted";
        };
    }

    /**
     * The digests the service holds (its active deployments and rollback target, {@link Holdings}) that the store
     * knows missing from their registries: missing for an active deployment (its tasks cannot launch), endangered for
     * the rollback target (a rollback would fail). No registry is asked.
     */
    static Html images(ServicePageData data) {
        List<Holding> holdings = data.holdings();
        long pinned = holdings.stream().filter(Holding::pinned).count();
        Html rows = new Html();
        int atRisk = 0;
        for (Holding held : holdings) {
            if (!held.pinned()) {
                continue;
            }
            Optional<MissingImage> missing = data.missing(held);
            if (missing.isEmpty()) {
                continue;
            }
            atRisk++;
            boolean target = held.role() == HoldingRole.ROLLBACK_TARGET;
            rows.open("tr", "data-container", held.container().containerName());
            rows.el("th", held.container().containerName(), "scope", "row");
            rows.open("td")
                    .code(held.image().registry() + "/" + held.image().repository())
                    .close("td");
            rows.open("td");
            digest(rows, held.digest());
            rows.close("td");
            rows.open("td")
                    .code(held.deploymentId())
                    .text(" (" + held.role().wire() + ")")
                    .close("td");
            rows.open("td");
            badge(rows, target ? "endangered" : "missing image", target ? "warn" : "bad");
            rows.text(
                    target
                            ? " a rollback to deployment " + held.deploymentId() + " would fail"
                            : " tasks of this deployment cannot launch from it");
            rows.close("td");
            rows.open("td");
            time(rows, missing.get().detectedAt());
            rows.close("td");
            rows.el("td", missing.get().source());
            rows.close("tr");
        }
        Html h = new Html();
        h.el(
                "p",
                "The service holds " + pinned + (pinned == 1 ? " pinned digest" : " pinned digests")
                        + " (active deployments and the rollback target), checked by the pinned-image guard.");
        if (atRisk == 0) {
            h.el("p", "No digest this service holds is known missing.");
            return h;
        }
        h.open("table", "class", "grid");
        h.el("caption", "Held digests missing from their registries");
        h.open("thead").open("tr");
        for (String col : List.of("Container", "Repository", "Digest", "Held by", "Risk", "Detected", "Source")) {
            h.el("th", col, "scope", "col");
        }
        h.close("tr").close("thead").open("tbody").raw(rows).close("tbody").close("table");
        return h;
    }

    /** An open moved-tag refresh or redeploy of the service, if any. */
    static Html wave(ServicePageData data) {
        List<MovedTagRollouts.Rollout> open = data.store().movedTagRollouts().open().stream()
                .filter(r -> r.serviceArn().equals(data.service().arn()))
                .toList();
        Html h = new Html();
        if (open.isEmpty()) {
            h.el("p", "No moved-tag refresh or redeploy of this service is in progress.");
            return h;
        }
        h.open("ul");
        for (MovedTagRollouts.Rollout r : open) {
            h.open("li", "data-deployment", r.deploymentId());
            badge(h, r.kind().wire(), "warn");
            h.text(" tag ").code(r.tag()).text(" moved: ");
            digest(h, r.previousDigest());
            h.text(" → ");
            digest(h, r.digest());
            h.text("; deployment ").code(r.deploymentId()).text(", started ");
            time(h, r.startedAt());
            h.close("li");
        }
        h.close("ul");
        return h;
    }

    /** The service's latest events, newest first. */
    static Html events(ServicePageData data) {
        List<Events.Event> events = data.store().events().latest(data.service().arn(), EVENTS);
        Html h = new Html();
        if (events.isEmpty()) {
            h.el("p", "No events yet.");
            return h;
        }
        h.open("table", "class", "grid");
        h.el("caption", "The latest " + events.size() + (events.size() == 1 ? " event" : " events") + ", newest first");
        h.open("thead").open("tr");
        h.el("th", "Time", "scope", "col").el("th", "Message", "scope", "col");
        h.close("tr").close("thead").open("tbody");
        for (Events.Event e : events) {
            h.open("tr").open("td");
            time(h, e.createdAt());
            h.close("td").el("td", e.message()).close("tr");
        }
        h.close("tbody").close("table");
        return h;
    }
}
