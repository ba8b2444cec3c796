package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.image.Digest;
import dev.ballast.lifecycle.MovedTags;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code ApproveDigest} {cluster?, service, digest}: approves a digest for a service whose image-lifecycle policy
 * requires an approval before a moved tag rolls it ({@code ballast approve SERVICE DIGEST}). The approval is scoped
 * to the digest: when the tag moves again, the moved-tag job withdraws it (with a service event) and the new digest
 * needs its own. The answer says whether the digest is the one the service is waiting for ({@code isPendingDigest}) and which
 * one that is ({@code pendingDigest}, absent when the service is not behind a tag it follows). A malformed digest or an
 * unknown member is an {@code InvalidParameterException}, an unknown service {@code ServiceNotFoundException}, an unknown cluster
 * {@code ClusterNotFoundException}.
 */
final class ApprovalOperations {
    private static final Set<String> MEMBERS = Set.of("cluster", "service", "digest");

    private final Store store;
    private final Clock clock;
    private final LifecycleServices services;

    ApprovalOperations(LifecycleApi.Context context) {
        this(context.store(), context.account(), context.clock());
    }

    ApprovalOperations(Store store, Account account, Clock clock) {
        this.store = store;
        this.clock = clock;
        this.services = new LifecycleServices(store, account);
    }

    /** Adds {@code ApproveDigest} to {@code ops}. */
    void register(Map<String, Operation> ops) {
        ops.put("ApproveDigest", (in, call) -> approve(in));
    }

    private JsonNode approve(ObjectNode in) {
        LifecycleServices.onlyKnown(in, "ApproveDigest", MEMBERS);
        String clusterRef = Params.text(in, "cluster", false);
        String serviceRef = Params.text(in, "service", true);
        String digestText = Params.text(in, "digest", true);
        String digest;
        try {
            digest = Digest.parse(digestText).toString();
        } catch (IllegalArgumentException e) {
            throw AwsException.invalidParameter("Invalid 'digest' '" + ShapeValidator.clip(digestText)
                    + "': expected an image digest such as sha256:<64 hexadecimal digits>.");
        }
        ServiceRow service = services.service(services.cluster(clusterRef), serviceRef);
        ImageLifecyclePolicy policy = store.imagePolicies().policy(service.arn());
        Optional<String> pending =
                new MovedTags(store).of(service.arn(), policy).map(MovedTags.Move::digest);
        long now = clock.millis();
        store.approvals().approve(service.arn(), digest, now);
        ObjectNode out = Json.object()
                .put("serviceArn", service.arn())
                .put("digest", digest)
                .put("approvedAt", now / 1000.0)
                .put("requireApproval", policy.requireApproval())
                .put("isPendingDigest", pending.map(digest::equals).orElse(false));
        pending.ifPresent(p -> out.put("pendingDigest", p));
        return out;
    }
}
