package dev.ballast.console;

import static dev.ballast.console.ServicePageFormat.badge;
import static dev.ballast.console.ServicePageFormat.digest;
import static dev.ballast.console.ServicePageFormat.encode;
import static dev.ballast.console.ServicePageFormat.time;

import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.model.RolloutState;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.TaskRows;
import java.util.List;
import java.util.Optional;

/**
 * The service page's deployments timeline: every deployment the store keeps for the service, newest first, each with
 * its revision's resolution record (what each container was pinned to, how and by which policy layer).
 */
final class ServicePageDeployments {
    private static final List<String> RECORD_COLUMNS = List.of(
            "Container", "Image as written", "Pinned digest", "Mode", "Deciding layer", "Outcome", "Resolved at");

    /** The newest deployments the timeline shows; older ones are counted, not rendered. */
    static final int SHOWN = 20;

    private ServicePageDeployments() {}

    /** The content of the {@code deployments-live} region. */
    static Html render(ServicePageData data, Session session, String base) {
        Html h = new Html();
        List<DeploymentRow> deployments = data.deployments();
        if (deployments.isEmpty()) {
            h.el("p", "The store keeps no deployment of this service.");
            return h;
        }
        h.open("ol", "class", "timeline");
        for (DeploymentRow d : deployments.subList(0, Math.min(SHOWN, deployments.size()))) {
            deployment(h, data, session, base, d);
        }
        h.close("ol");
        if (deployments.size() > SHOWN) {
            h.el(
                    "p",
                    (deployments.size() - SHOWN) + " older deployments are not shown (ListServiceDeployments lists"
                            + " them all).",
                    "class",
                    "muted");
        }
        return h;
    }

    private static void deployment(Html h, ServicePageData data, Session session, String base, DeploymentRow d) {
        DeploymentStatus status = DeploymentStatus.fromWire(d.status());
        RolloutState rollout = RolloutState.fromWire(d.rolloutState());
        h.open(
                "li",
                "class",
                status == DeploymentStatus.PRIMARY ? "deployment primary" : "deployment",
                "data-deployment",
                d.id());
        h.open("h3").text("Deployment ").code(d.id()).text(" ");
        badge(h, status.wire(), status == DeploymentStatus.INACTIVE ? "muted" : "ok");
        h.text(" ");
        badge(h, rollout.wire(), rolloutKind(rollout));
        h.close("h3");
        h.open("dl", "class", "facts");
        h.el("dt", "Status");
        h.el("dd", status.wire());
        h.el("dt", "Rollout state");
        h.open("dd").text(rollout.wire());
        if (d.rolloutStateReason() != null && !d.rolloutStateReason().isBlank()) {
            h.text(": " + d.rolloutStateReason());
        }
        h.close("dd");
        h.el("dt", "Created");
        h.open("dd");
        time(h, d.createdAt());
        h.close("dd");
        h.el("dt", "Updated");
        h.open("dd");
        time(h, d.finishedAt() != null ? d.finishedAt() : d.startedAt() != null ? d.startedAt() : d.createdAt());
        h.close("dd");
        h.el("dt", "Task definition");
        h.open("dd").code(d.taskDefinitionArn()).close("dd");
        TaskRows.Counts n = data.counts().getOrDefault(d.id(), TaskRows.Counts.NONE);
        h.el("dt", "Tasks");
        h.el(
                "dd",
                "desired " + d.desiredCount() + " · running " + n.running() + " · pending " + n.pending() + " · failed "
                        + d.failedTasks());
        if (d.rollbackOf() != null) {
            h.el("dt", "Rollback of");
            h.open("dd").code(d.rollbackOf()).close("dd");
        }
        h.close("dl");
        Optional<RevisionRow> revision = data.revision(d.revisionArn());
        if (revision.isEmpty()) {
            h.el("p", "No resolution record: the revision is not in the store.");
        } else {
            record(h, d, revision.get().resolution());
        }
        // a record whose containers fell back to their tags has no digests to go back to
        boolean resolved = revision.map(r -> r.resolution().resolved()
                        && r.resolution().fellBackToTags().isEmpty())
                .orElse(false);
        if (!session.readOnly() && status != DeploymentStatus.PRIMARY && resolved) {
            h.open("p", "class", "actions")
                    .a(base + "/rollback?deployment=" + encode(d.id()), "Roll back to this deployment")
                    .close("p");
        }
        h.close("li");
    }

    private static void record(Html h, DeploymentRow d, ResolutionRecord record) {
        if (record.state() == ResolutionState.PENDING) {
            h.open("p").text("Resolution record: ");
            badge(h, "resolving", "warn");
            h.text(" (" + record.attempts() + (record.attempts() == 1 ? " attempt" : " attempts") + " so far");
            if (record.nextAttemptAt() != null) {
                h.text("; next attempt at ");
                time(h, record.nextAttemptAt());
            }
            h.text(")").close("p");
        } else if (record.state() == ResolutionState.FAILED) {
            h.open("p").text("Resolution record: ");
            badge(h, "resolution failed", "bad");
            h.text(record.failure() == null ? "" : " " + record.failure()).close("p");
        }
        if (record.containers().isEmpty()) {
            return;
        }
        String caption = "Resolution record of deployment " + d.id() + " ("
                + record.state().wire() + ")";
        h.open("table", "class", "grid record");
        h.el("caption", caption);
        h.open("thead").open("tr");
        for (String col : RECORD_COLUMNS) {
            h.el("th", col, "scope", "col");
        }
        h.close("tr").close("thead").open("tbody");
        for (ContainerResolution c : record.containers()) {
            h.open("tr", "data-container", c.containerName());
            h.el("th", c.containerName(), "scope", "row");
            h.open("td").code(c.image()).close("td");
            h.open("td");
            digest(h, pinned(c) ? c.imageDigest() : null);
            h.close("td");
            h.el("td", c.mode().wire());
            h.open("td").text(c.decidedBy().wire());
            if (c.rule() != null) {
                h.text(" (").code(c.rule()).text(")");
            }
            h.close("td");
            h.open("td").text(c.resolutionMode().wire());
            if (c.reason() != null && !c.reason().isBlank()) {
                h.el("span", ": " + c.reason(), "class", "muted");
            }
            h.close("td");
            h.open("td");
            if (c.resolutionMode() == ResolutionOutcome.PENDING) {
                h.text("resolving");
            } else {
                time(h, c.resolvedAt());
            }
            h.close("td");
            h.close("tr");
        }
        h.close("tbody").close("table");
    }

    /** Whether the container launches from the recorded digest (as Holdings counts it). */
    static boolean pinned(ContainerResolution c) {
        return c.imageDigest() != null
                && (c.resolutionMode() == ResolutionOutcome.RESOLVED
                        || c.resolutionMode() == ResolutionOutcome.VERIFIED);
    }

    static String rolloutKind(RolloutState r) {
        return switch (r) {
            case COMPLETED -> "ok";
            case IN_PROGRESS -> "warn";
            case FAILED -> "bad";
        };
    }
}
