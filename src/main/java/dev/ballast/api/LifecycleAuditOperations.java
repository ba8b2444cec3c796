package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.ballast.store.MissingImage;
import dev.ballast.store.Store;
import java.util.Map;
import java.util.Objects;

/**
 * The audit's part of Ballast's image-lifecycle extension, served in AWS JSON 1.1 with SigV4 under the target
 * prefix {@value #TARGET_PREFIX} (README, "ballast audit"): {@code ListMissingImages} answers every digest the
 * server knows is gone from its registry ({@code store.missingImages()}, written by the pinned-image guard and
 * registry delete notifications), so {@code ballast audit --live} reports task definitions that pin one. Takes
 * no input members; unknown ones are ignored, as by ECS.
 */
public final class LifecycleAuditOperations {
    /** The {@code X-Amz-Target} prefix of the image-lifecycle operations. */
    public static final String TARGET_PREFIX = LifecycleApi.TARGET_PREFIX;

    private final Store store;

    public LifecycleAuditOperations(Store store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Adds {@code ListMissingImages} to {@code ops}; it must be served under {@link #TARGET_PREFIX}. */
    public void register(Map<String, Operation> ops) {
        ops.put("ListMissingImages", (in, call) -> list());
    }

    /**
     * {@code {"missingImages": [{"registry", "repository", "digest", "reference", "detectedAt", "source"}]}}, oldest
     * detection first; {@code detectedAt} in epoch seconds like ECS timestamps.
     */
    private JsonNode list() {
        ArrayNode out = Json.mapper().createArrayNode();
        for (MissingImage m : store.missingImages().all()) {
            out.addObject()
                    .put("registry", m.registry())
                    .put("repository", m.repository())
                    .put("digest", m.digest())
                    .put("reference", m.reference())
                    .put("detectedAt", m.detectedAt() / 1000.0)
                    .put("source", m.source());
        }
        return Json.object().set("missingImages", out);
    }
}
