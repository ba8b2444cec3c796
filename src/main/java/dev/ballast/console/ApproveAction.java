package dev.ballast.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.api.AwsException;
import dev.ballast.api.Json;
import dev.ballast.image.Digest;
import dev.ballast.lifecycle.MovedTags;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.store.ServiceRow;
import java.util.Optional;

/**
 * {@code …/approve?digest=D}: approving a digest for a service whose image-lifecycle policy requires an approval
 * before a moved tag is rolled out (the {@code ApproveDigest} operation). The confirmation page says which container
 * and tag wait for which digest, and that the approval holds for this digest only.
 */
final class ApproveAction {
    static final String BUTTON = "Approve digest";

    private final ConsoleContext context;

    ApproveAction(ConsoleContext context) {
        this.context = context;
    }

    void page(Exchange x, String refused) {
        ServiceRow s = ActionForms.service(x);
        String raw = x.query("digest")
                .or(() -> x.form().get("digest"))
                .filter(v -> !v.isBlank())
                .orElseThrow(() -> new ConsoleException(
                        400, "Digest is required: open this page from a digest awaiting approval."));
        String digest;
        try {
            digest = Digest.parse(raw.strip()).toString();
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(
                    400,
                    "Digest '" + Actions.clip(raw) + "' is not an image digest (sha256: and 64 hexadecimal digits).");
        }
        ImageLifecyclePolicy policy = context.store().imagePolicies().policy(s.arn());
        Optional<MovedTags.Move> move = new MovedTags(context.store()).of(s.arn(), policy);
        String url = ActionForms.actionUrl(s, "approve");
        Html h = new Html();
        h.el("h1", "Approve a digest for " + s.name());
        ActionForms.refusal(h, refused);
        h.open("p").text("Digest ").el("code", digest, "class", "digest").close("p");
        if (context.store().approvals().isApproved(s.arn(), digest)) {
            h.el("p", "This digest is already approved for " + s.name() + ".", "id", "already-approved");
        }
        h.el(
                "p",
                policy.requireApproval()
                        ? "Service " + s.name() + "'s image-lifecycle policy requires an approval before a moved tag"
                                + " is rolled out."
                        : "Service " + s.name() + "'s image-lifecycle policy does not require approvals now; the"
                                + " approval is recorded and counts if it does later.");
        if (move.isPresent()) {
            MovedTags.Move m = move.get();
            h.open("p")
                    .text("Container " + m.container() + " follows tag ")
                    .code(m.tag().toString())
                    .text(", which now serves ")
                    .el("code", m.digest(), "class", "digest")
                    .text(
                            m.digest().equals(digest)
                                    ? ". This is the digest the service waits for: once approved, the moved-tag job"
                                            + " rolls it out on its next pass ("
                                            + m.kind().wire() + ")."
                                    : ". This is not the digest the service waits for.")
                    .close("p");
        } else {
            h.el("p", "The service is not behind a moved tag it follows now.");
        }
        h.el("p", "The approval holds for this digest only: if the tag moves again, it is withdrawn.");
        ActionForms.openForm(h, x, url, "digest", digest);
        ActionForms.closeForm(h, s, BUTTON, false);
        x.page(
                refused == null ? 200 : 400,
                "Approve digest · " + s.name(),
                ActionForms.crumbs(s, "Approve digest", url + "?digest=" + digest),
                h);
    }

    void act(Exchange x) {
        ServiceRow s = ActionForms.service(x);
        String digest = x.form().required("digest", "Digest");
        ObjectNode in = Json.object();
        in.put("cluster", s.cluster()).put("service", s.name()).put("digest", digest);
        JsonNode out;
        try {
            out = x.call("ApproveDigest", in);
        } catch (AwsException e) {
            page(x, e.getMessage());
            return;
        }
        x.redirect(
                ActionForms.servicePage(s),
                "Digest " + digest + " approved for service " + s.name()
                        + (out.path("isPendingDigest").asBoolean()
                                ? ": the moved-tag job rolls it out on its next pass."
                                : "."));
    }
}
