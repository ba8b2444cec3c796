package dev.ballast.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.AwsException;
import dev.ballast.api.Json;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Versioned;
import java.util.List;
import java.util.Optional;

/**
 * {@code …/rollback?deployment=ID}: rolling a service back to an earlier deployment (the {@code RollbackService}
 * operation). The confirmation page shows the target's task definition and each container's recorded digest, which
 * the new deployment launches without a registry request; the target must not be the PRIMARY deployment and its
 * images must have been resolved.
 */
final class RollbackAction {
    static final String BUTTON = "Roll back";

    private final ConsoleContext context;

    RollbackAction(ConsoleContext context) {
        this.context = context;
    }

    void page(Exchange x, String refused) {
        ServiceRow s = ActionForms.service(x);
        String id = x.query("deployment")
                .or(() -> x.form().get("deployment"))
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> new ConsoleException(
                        400, "Deployment is required: open this page from a deployment of the service page."));
        DeploymentRow target = context.store()
                .deployments()
                .find(id)
                .map(Versioned::value)
                .filter(d -> d.serviceArn().equals(s.arn()))
                .orElseThrow(() -> ConsoleException.notFound("Deployment " + id + " of service " + s.name()));
        Optional<ResolutionRecord> record = context.store()
                .revisions()
                .find(target.revisionArn())
                .map(v -> v.value().resolution());
        String url = ActionForms.actionUrl(s, "rollback");
        Html h = new Html();
        h.el("h1", "Roll back " + s.name());
        ActionForms.refusal(h, refused);
        h.open("p")
                .text("Service ")
                .el("strong", s.name())
                .text(" goes back to deployment ")
                .code(target.id())
                .text(": a new PRIMARY deployment of its task definition ")
                .code(target.taskDefinitionArn())
                .text(" launches each container at the digest recorded when that deployment was resolved. No"
                        + " registry request is made: tags are not looked up again. The current deployment's tasks"
                        + " are replaced by a rolling update.")
                .close("p");
        if (record.isPresent() && !record.get().containers().isEmpty()) {
            h.open("table", "class", "grid", "id", "rollback-digests");
            h.el("caption", "Digests deployment " + target.id() + " recorded");
            h.open("thead").open("tr");
            for (String col : List.of("Container", "Image as written", "Recorded digest")) {
                h.el("th", col, "scope", "col");
            }
            h.close("tr").close("thead").open("tbody");
            for (ContainerResolution c : record.get().containers()) {
                h.open("tr", "data-container", c.containerName());
                h.el("th", c.containerName(), "scope", "row");
                h.open("td").code(c.image()).close("td");
                h.open("td");
                Actions.digest(h, c.imageDigest());
                h.close("td").close("tr");
            }
            h.close("tbody").close("table");
        }
        String impossible = null;
        if (target.status().equals(DeploymentStatus.PRIMARY.wire())) {
            impossible = "Deployment " + target.id() + " is the PRIMARY deployment: there is nothing to roll back to.";
        } else if (record.isEmpty() || !record.get().resolved()) {
            impossible = "Deployment " + target.id() + "'s images were never resolved: there are no recorded digests"
                    + " to go back to.";
        } else if (!record.get().fellBackToTags().isEmpty()) {
            impossible = "Container(s) " + String.join(", ", record.get().fellBackToTags()) + " of deployment "
                    + target.id() + " fell back to their tags (best-effort, no digest recorded): a rollback would run"
                    + " whatever the tags serve now, so it is not offered.";
        }
        if (impossible != null && refused == null) {
            h.el("p", impossible, "role", "alert", "class", "error");
            ActionForms.backOnly(h, s);
        } else {
            ActionForms.openForm(h, x, url, "deployment", target.id());
            ActionForms.closeForm(h, s, BUTTON, true);
        }
        x.page(
                refused == null ? 200 : 400,
                "Roll back · " + s.name(),
                ActionForms.crumbs(s, "Roll back", url + "?deployment=" + target.id()),
                h);
    }

    void act(Exchange x) {
        ServiceRow s = ActionForms.service(x);
        String id = x.form().required("deployment", "Deployment");
        ObjectNode in = Json.object();
        in.put("cluster", s.cluster()).put("service", s.name()).put("deploymentId", id);
        JsonNode out;
        try {
            out = x.call("RollbackService", in);
        } catch (AwsException e) {
            page(x, e.getMessage());
            return;
        }
        String created = out.path("deployment").path("id").asText();
        String taskDefinition = out.path("target").path("taskDefinition").asText();
        x.redirect(
                ActionForms.servicePage(s),
                out.path("created").asBoolean()
                        ? "Deployment " + created + " rolls service " + s.name() + " back to deployment " + id
                                + " (task definition " + taskDefinition + ", recorded image digests reused)."
                        : "Service " + s.name() + " already runs deployment " + id + "'s revision as deployment "
                                + created + ": nothing to do.");
    }
}
