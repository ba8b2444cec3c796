package dev.ballast.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.lifecycle.DigestKey;
import dev.ballast.lifecycle.Holding;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.lifecycle.PinnedDigests;
import dev.ballast.store.MissingImage;
import dev.ballast.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code ListPins} (target prefix {@link LifecycleApi#TARGET_PREFIX}): every digest that active deployments and
 * rollback targets hold ({@link Holdings}), with who holds it (service, cluster, deployment, role, container, tag
 * as written) and whether the pinned-image guard knows it missing, plus the children of pinned indexes (as recorded in
 * {@code store.indexPlatforms()}, else learned from the registry before answering; {@code childrenKnown} false when
 * they cannot be learned now, so the keep-list may lack them), and the keep-list a registry clean-up must not delete
 * ({@code registry/repository@digest}, sorted). Filters: {@code registry} (exact host[:port], Docker Hub's aliases
 * read as {@code docker.io}), {@code repository} (exact, or a glob where {@code *} matches any run of characters,
 * {@code /} included), {@code cluster} (name or ARN).
 */
final class PinOperations {
    private static final Set<String> DOCKER_HUB = Set.of("docker.io", "index.docker.io", "registry-1.docker.io");
    private static final Set<String> MEMBERS = Set.of("registry", "repository", "cluster");

    private final Store store;
    private final ResourceRefs refs;
    private final LifecycleApi.Context context;

    PinOperations(LifecycleApi.Context context) {
        this.context = context;
        this.store = context.store();
        this.refs = new ResourceRefs(context.account());
    }

    /** Adds {@code ListPins}. */
    void register(Map<String, Operation> ops) {
        ops.put("ListPins", (in, call) -> list(in));
    }

    private JsonNode list(ObjectNode in) {
        LifecycleServices.onlyKnown(in, "ListPins", MEMBERS);
        String registry = Optional.ofNullable(Params.text(in, "registry", false))
                .map(PinOperations::registry)
                .orElse(null);
        Pattern repository = Optional.ofNullable(Params.text(in, "repository", false))
                .map(PinOperations::repository)
                .orElse(null);
        String clusterArn = Optional.ofNullable(Params.text(in, "cluster", false))
                .map(this::clusterArn)
                .orElse(null);
        List<PinnedDigests.Pin> pins = PinnedDigests.group(
                new Holdings(store).current(), new PinnedDigests.Filter(registry, repository, clusterArn));
        ArrayNode out = Json.object().arrayNode();
        Set<String> keep = new TreeSet<>();
        for (PinnedDigests.Pin p : pins) {
            DigestKey key = p.key();
            keep.add(key.reference());
            ObjectNode pin = out.addObject()
                    .put("registry", key.registry())
                    .put("repository", key.repository())
                    .put("digest", key.digest())
                    .put("reference", key.reference());
            Optional<MissingImage> missing = store.missingImages().find(key.registry(), key.repository(), key.digest());
            pin.put("missing", missing.isPresent());
            missing.ifPresent(
                    m -> pin.put("missingSince", m.detectedAt() / 1000.0).put("missingSource", m.source()));
            ArrayNode heldBy = pin.putArray("heldBy");
            for (Holding h : p.heldBy()) {
                ObjectNode by = heldBy.addObject()
                        .put("serviceArn", h.serviceArn())
                        .put("serviceName", h.serviceName())
                        .put("clusterArn", h.clusterArn())
                        .put("deploymentId", h.deploymentId())
                        .put("role", h.role().wire())
                        .put("containerName", h.container().containerName())
                        .put("image", h.container().image());
                if (h.tag() != null) {
                    by.put("tag", h.tag().tag());
                }
            }
            ArrayNode children = pin.putArray("children");
            // learned now when nothing recorded them yet (one request, immutable, recorded for next time)
            Optional<Map<String, String>> known =
                    context.workers().indexChildren().apply(key);
            pin.put("childrenKnown", known.isPresent());
            known.ifPresent(platforms -> new TreeMap<>(platforms).forEach((platform, digest) -> {
                String ref = key.registry() + "/" + key.repository() + "@" + digest;
                keep.add(ref);
                children.addObject()
                        .put("platform", platform)
                        .put("digest", digest)
                        .put("reference", ref);
            }));
        }
        ObjectNode answer = Json.object();
        answer.set("pins", out);
        answer.set("keepList", Params.array(new ArrayList<>(keep)));
        return answer;
    }

    /** {@code host[:port]} as canonical in image references (Docker Hub's aliases are {@code docker.io}). */
    private static String registry(String text) {
        String r = text.toLowerCase(Locale.ROOT);
        if (r.isEmpty() || !r.matches("[a-z0-9.\\-]+(:[0-9]{1,5})?")) {
            throw AwsException.invalidParameter("Invalid 'registry' '" + ShapeValidator.clip(text)
                    + "': give a registry host[:port], e.g. registry.example.com or 127.0.0.1:5000.");
        }
        return DOCKER_HUB.contains(r) ? "docker.io" : r;
    }

    /** An exact repository path, or a glob: {@code *} matches any run of characters, {@code /} included. */
    private static Pattern repository(String text) {
        try {
            return PinnedDigests.repositoryGlob(text);
        } catch (IllegalArgumentException e) {
            throw AwsException.invalidParameter(
                    "Invalid 'repository' '" + ShapeValidator.clip(text) + "': " + e.getMessage() + ".");
        }
    }

    private String clusterArn(String ref) {
        String name = refs.clusterName(ref).orElseThrow(AwsException::clusterNotFound);
        store.clusters().find(name).orElseThrow(AwsException::clusterNotFound);
        return context.account().clusterArn(name);
    }
}
