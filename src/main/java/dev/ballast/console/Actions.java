package dev.ballast.console;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.AwsException;
import dev.ballast.api.Json;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The service actions, each a confirmation page (GET) that says exactly what will happen and a form that does it
 * (POST, behind {@link Routes#action}'s session, origin, CSRF and read-only checks), under
 * {@code /console/clusters/{cluster}/services/{service}/}: {@code force} (a new deployment, images resolved again),
 * {@code scale} (the desired count), {@code rollback?deployment=ID} (back to an earlier deployment's recorded digests)
 * and {@code approve?digest=D} (a digest for an approval-gated service). Each calls the API operation as the signed-in
 * key; a refused operation shows the confirmation page again (400) with ECS's message, a done one returns to the
 * service page with a notice.
 */
final class Actions implements Console.Pages {
    static final String FORCE = "Force new deployment";
    static final String SCALE = "Scale";
    /** The most tasks a service may want (UpdateService's limit). */
    static final int MAX_DESIRED = 5000;

    private static final String BASE = "/clusters/{cluster}/services/{service}/";
    private static final Pattern WHOLE = Pattern.compile("[0-9]{1,9}");

    private final ConsoleContext context;

    Actions(ConsoleContext context) {
        this.context = context;
    }

    @Override
    public void register(Routes routes) {
        RollbackAction rollback = new RollbackAction(context);
        ApproveAction approve = new ApproveAction(context);
        routes.page(BASE + "force", writers(x -> forcePage(x, null)))
                .action(BASE + "force", this::force)
                .page(BASE + "scale", writers(x -> scalePage(x, null, null)))
                .action(BASE + "scale", this::scale)
                .page(BASE + "rollback", writers(x -> rollback.page(x, null)))
                .action(BASE + "rollback", rollback::act)
                .page(BASE + "approve", writers(x -> approve.page(x, null)))
                .action(BASE + "approve", approve::act);
    }

    /** A confirmation page is for keys that may act: a read-only key gets a 403 page, not a form it cannot send. */
    private static Routes.Handler writers(Routes.Handler page) {
        return x -> {
            if (x.session().readOnly()) {
                throw new ConsoleException(
                        403,
                        "The access key " + x.session().accessKeyId() + " is read-only: it cannot change anything.");
            }
            page.handle(x);
        };
    }

    private void forcePage(Exchange x, String refused) {
        ServiceRow s = ActionForms.service(x);
        String url = ActionForms.actionUrl(s, "force");
        Html h = new Html();
        h.el("h1", FORCE);
        ActionForms.refusal(h, refused);
        h.open("p")
                .text("Service ")
                .el("strong", s.name())
                .text(" gets a new deployment of its task definition ")
                .code(s.taskDefinitionArn())
                .text(". Each container's image is resolved again: a tag is looked up in its registry now and the"
                        + " digest it serves becomes the new pin (under the service's image policy). The tasks are"
                        + " replaced by a rolling update; the current deployment keeps running until the new one's"
                        + " tasks are up.")
                .close("p");
        Optional<RevisionRow> primary = primaryRevision(context.store(), s);
        if (primary.isPresent() && !primary.get().resolution().containers().isEmpty()) {
            h.open("table", "class", "grid", "id", "pins-now");
            h.el("caption", "Pinned now (before the new resolution)");
            h.open("thead").open("tr");
            for (String col : List.of("Container", "Image as written", "Pinned digest")) {
                h.el("th", col, "scope", "col");
            }
            h.close("tr").close("thead").open("tbody");
            for (ContainerResolution c : primary.get().resolution().containers()) {
                h.open("tr", "data-container", c.containerName());
                h.el("th", c.containerName(), "scope", "row");
                h.open("td").code(c.image()).close("td");
                h.open("td");
                digest(h, c.imageDigest());
                h.close("td").close("tr");
            }
            h.close("tbody").close("table");
        }
        ActionForms.openForm(h, x, url);
        ActionForms.closeForm(h, s, FORCE, false);
        x.page(refused == null ? 200 : 400, FORCE + " · " + s.name(), ActionForms.crumbs(s, FORCE, url), h);
    }

    private void force(Exchange x) {
        ServiceRow s = ActionForms.service(x);
        ObjectNode in = Json.object();
        in.put("cluster", s.cluster()).put("service", s.name()).put("forceNewDeployment", true);
        try {
            x.call("UpdateService", in);
        } catch (AwsException e) {
            forcePage(x, e.getMessage());
            return;
        }
        String id = primary(context.store(), s).map(DeploymentRow::id).orElse("?");
        x.redirect(
                ActionForms.servicePage(s),
                "Deployment " + id + " started for service " + s.name() + ": its images are resolved again.");
    }

    private void scalePage(Exchange x, String value, String refused) {
        ServiceRow s = ActionForms.service(x);
        String url = ActionForms.actionUrl(s, "scale");
        Html h = new Html();
        h.el("h1", SCALE + " " + s.name());
        ActionForms.refusal(h, refused);
        h.open("p")
                .text("Service ")
                .el("strong", s.name())
                .text(" wants " + s.desiredCount() + (s.desiredCount() == 1 ? " task" : " tasks") + " now. A new"
                        + " desired count starts or stops tasks of the current deployment at the digests it pinned:"
                        + " no new deployment is made and no image is resolved again.")
                .close("p");
        ActionForms.openForm(h, x, url);
        h.open("p");
        h.el("label", "Desired count", "for", "desiredCount");
        h.text(" ");
        h.empty(
                "input",
                "id",
                "desiredCount",
                "name",
                "desiredCount",
                "type",
                "number",
                "min",
                "0",
                "max",
                String.valueOf(MAX_DESIRED),
                "step",
                "1",
                "required",
                "",
                "inputmode",
                "numeric",
                "value",
                value == null ? String.valueOf(s.desiredCount()) : value,
                "aria-invalid",
                refused == null ? null : "true",
                "aria-describedby",
                refused == null ? "desiredCount-hint" : "action-error desiredCount-hint");
        h.el("span", " A whole number from 0 to " + MAX_DESIRED + ".", "id", "desiredCount-hint", "class", "muted");
        h.close("p");
        ActionForms.closeForm(h, s, SCALE, false);
        x.page(refused == null ? 200 : 400, SCALE + " · " + s.name(), ActionForms.crumbs(s, SCALE, url), h);
    }

    private void scale(Exchange x) {
        ServiceRow s = ActionForms.service(x);
        String raw = x.form().get("desiredCount").orElse("").strip();
        Optional<Integer> count = desiredCount(raw);
        if (count.isEmpty()) {
            scalePage(
                    x,
                    raw,
                    "Desired count must be a whole number from 0 to " + MAX_DESIRED + ", not '" + clip(raw) + "'.");
            return;
        }
        ObjectNode in = Json.object();
        in.put("cluster", s.cluster()).put("service", s.name()).put("desiredCount", count.get());
        try {
            x.call("UpdateService", in);
        } catch (AwsException e) {
            scalePage(x, raw, e.getMessage());
            return;
        }
        x.redirect(
                ActionForms.servicePage(s),
                "Service " + s.name() + " scaled: desired count " + s.desiredCount() + " → " + count.get() + ".");
    }

    /** A desired count typed into the form: a whole number from 0 to {@link #MAX_DESIRED}, else empty. */
    static Optional<Integer> desiredCount(String raw) {
        if (raw == null || !WHOLE.matcher(raw).matches()) {
            return Optional.empty();
        }
        int n = Integer.parseInt(raw);
        return n <= MAX_DESIRED ? Optional.of(n) : Optional.empty();
    }

    /** The service's PRIMARY deployment, from the store's typed rows. */
    static Optional<DeploymentRow> primary(Store store, ServiceRow s) {
        return store.deployments().ofService(s.arn()).stream()
                .map(Versioned::value)
                .filter(d -> d.status().equals(DeploymentStatus.PRIMARY.wire()))
                .findFirst();
    }

    private static Optional<RevisionRow> primaryRevision(Store store, ServiceRow s) {
        return primary(store, s)
                .flatMap(d -> store.revisions().find(d.revisionArn()))
                .map(Versioned::value);
    }

    /** A pinned digest in {@code <code class="digest">}, or "—" when the container is not pinned. */
    static void digest(Html h, String digest) {
        if (digest == null) {
            h.text("—");
        } else {
            h.el("code", digest, "class", "digest");
        }
    }

    static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
