package dev.ballast.lifecycle;

import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.HoldingRole;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.RolloutState;
import dev.ballast.model.TagKey;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one computation of which images services hold: for every live service, each container of every deployment
 * that is PRIMARY or ACTIVE ({@link HoldingRole#ACTIVE}) and of its rollback target — the newest COMPLETED
 * deployment that is no longer PRIMARY or ACTIVE ({@link HoldingRole#ROLLBACK_TARGET}), whose recorded digests a
 * rollback would launch. The guard checks their digests, `ballast pins` lists them, the tag watcher watches
 * their tags, drift compares them.
 */
public final class Holdings {
    private final Store store;

    public Holdings(Store store) {
        this.store = store;
    }

    /** Every holding, by service (ARN order) and deployment (newest first). */
    public List<Holding> current() {
        Map<String, List<DeploymentRow>> byService = new LinkedHashMap<>();
        for (Versioned<DeploymentRow> d : store.deployments().holdingImages()) {
            byService
                    .computeIfAbsent(d.value().serviceArn(), k -> new ArrayList<>())
                    .add(d.value());
        }
        List<Holding> out = new ArrayList<>();
        for (Map.Entry<String, List<DeploymentRow>> e : byService.entrySet()) {
            Optional<ServiceRow> service = store.services().find(e.getKey()).map(Versioned::value);
            service.ifPresent(s -> out.addAll(of(s, e.getValue())));
        }
        return out;
    }

    /** The holdings of one service. */
    public List<Holding> ofService(String serviceArn) {
        Optional<ServiceRow> service = store.services().find(serviceArn).map(Versioned::value);
        if (service.isEmpty()) {
            return List.of();
        }
        List<DeploymentRow> deployments = store.deployments().ofService(serviceArn).stream()
                .map(Versioned::value)
                .toList();
        return of(service.get(), deployments);
    }

    /** The unique tags all holdings name: what the tag watcher watches (one watcher per tag, not per service). */
    public static Set<TagKey> tags(List<Holding> holdings) {
        Set<TagKey> out = new LinkedHashSet<>();
        for (Holding h : holdings) {
            if (h.tag() != null) {
                out.add(h.tag());
            }
        }
        return out;
    }

    /** The unique tags of {@link #current()}. */
    public Set<TagKey> tags() {
        return tags(current());
    }

    private List<Holding> of(ServiceRow service, List<DeploymentRow> newestFirst) {
        List<Holding> out = new ArrayList<>();
        boolean targetFound = false;
        for (DeploymentRow d : newestFirst) {
            DeploymentStatus status = DeploymentStatus.fromWire(d.status());
            HoldingRole role;
            if (status != DeploymentStatus.INACTIVE) {
                role = HoldingRole.ACTIVE;
            } else if (!targetFound && RolloutState.fromWire(d.rolloutState()) == RolloutState.COMPLETED) {
                role = HoldingRole.ROLLBACK_TARGET;
                targetFound = true;
            } else {
                continue;
            }
            Optional<RevisionRow> revision =
                    store.revisions().find(d.revisionArn()).map(Versioned::value);
            if (revision.isEmpty()) {
                continue;
            }
            for (ContainerResolution c : revision.get().resolution().containers()) {
                holding(service, d, role, revision.get().arn(), c).ifPresent(out::add);
            }
        }
        return out;
    }

    private static Optional<Holding> holding(
            ServiceRow service, DeploymentRow d, HoldingRole role, String revisionArn, ContainerResolution c) {
        if (c.image() == null) {
            return Optional.empty();
        }
        ImageReference image;
        try {
            image = ImageReference.parse(c.image());
        } catch (InvalidReferenceException e) {
            return Optional.empty(); // registration validated it; a record of an older server may differ
        }
        TagKey tag = image.tag()
                .map(t -> new TagKey(image.registry(), image.repository(), t))
                .orElse(null);
        boolean fromDigest =
                c.resolutionMode() == ResolutionOutcome.RESOLVED || c.resolutionMode() == ResolutionOutcome.VERIFIED;
        String digest = fromDigest ? c.imageDigest() : null;
        return Optional.of(new Holding(
                service.arn(), service.name(), service.clusterArn(), d.id(), role, revisionArn, c, image, tag, digest));
    }
}
