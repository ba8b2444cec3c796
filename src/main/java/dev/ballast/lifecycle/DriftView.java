package dev.ballast.lifecycle;

import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.TagKey;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.InstanceRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Drift as the store knows it (no registry request): for a service, its PRIMARY deployment's resolution record, the
 * watched states of the tags it names ({@code store.tagStates()}), the recorded children of indexes ({@code
 * store.indexPlatforms()}) and the digests its RUNNING tasks report, with the platform of each task's instance,
 * compared by {@link Drift}. One view caches instances and tag states for its lifetime: make one per request or pass.
 */
public final class DriftView {
    private final Store store;
    private final Map<String, String> platforms = new HashMap<>();
    private final Map<TagKey, Optional<TagState>> tags = new HashMap<>();

    public DriftView(Store store) {
        this.store = store;
    }

    /** The drift of one service; no containers while it has no PRIMARY deployment. */
    public ServiceDrift of(ServiceRow service) {
        return of(service, store.deployments().ofService(service.arn()));
    }

    /** As {@link #of(ServiceRow)}, with the service's deployments the caller has read already. */
    public ServiceDrift of(ServiceRow service, List<Versioned<DeploymentRow>> deployments) {
        Optional<DeploymentRow> primary =
                primary(deployments.stream().map(Versioned::value).toList());
        if (primary.isEmpty()) {
            return of(service, List.of(), List.of());
        }
        return of(
                service,
                List.of(primary.get()),
                store.tasks().liveOfService(service.arn()).stream()
                        .map(Versioned::value)
                        .toList());
    }

    /**
     * As {@link #of(ServiceRow)}, with the service's deployments and its tasks that are not STOPPED read already (a
     * pass over many services reads them for all at once).
     */
    public ServiceDrift of(ServiceRow service, List<DeploymentRow> deployments, List<TaskRow> live) {
        Optional<DeploymentRow> primary = primary(deployments);
        Optional<RevisionRow> revision =
                primary.flatMap(d -> store.revisions().find(d.revisionArn())).map(Versioned::value);
        if (revision.isEmpty()) {
            return new ServiceDrift(service.arn(), service.name(), service.clusterArn(), null, List.of(), List.of());
        }
        List<TaskRow> running = live.stream()
                .filter(t -> TaskStatus.fromWire(t.lastStatus()) == TaskStatus.RUNNING)
                .toList();
        List<ContainerDrift> containers = new ArrayList<>();
        List<ServiceDrift.IndexRef> unknown = new ArrayList<>();
        for (ContainerResolution c : revision.get().resolution().containers()) {
            TagKey tag = tag(c.image());
            boolean fromDigest = c.resolutionMode() == ResolutionOutcome.RESOLVED
                    || c.resolutionMode() == ResolutionOutcome.VERIFIED;
            List<Drift.TaskImage> images = new ArrayList<>();
            for (TaskRow t : running) {
                for (TaskRow.ContainerRow row : t.containers()) {
                    if (row.name().equals(c.containerName())) {
                        images.add(new Drift.TaskImage(t.arn(), platform(t.containerInstanceArn()), row.imageDigest()));
                    }
                }
            }
            Drift.Input input = new Drift.Input(
                    c.containerName(),
                    c.image(),
                    tag,
                    fromDigest ? c.imageDigest() : null,
                    tag == null ? null : tagState(tag),
                    images);
            Drift.Outcome outcome = Drift.compute(input, store.indexPlatforms()::find);
            containers.add(outcome.drift());
            for (String digest : outcome.unknownIndexes()) {
                unknown.add(new ServiceDrift.IndexRef(tag.registry(), tag.repository(), digest));
            }
        }
        return new ServiceDrift(
                service.arn(),
                service.name(),
                service.clusterArn(),
                primary.get().id(),
                containers,
                unknown);
    }

    private static Optional<DeploymentRow> primary(List<DeploymentRow> deployments) {
        return deployments.stream()
                .filter(d -> DeploymentStatus.fromWire(d.status()) == DeploymentStatus.PRIMARY)
                .findFirst();
    }

    private Optional<TagState> tagStateOf(TagKey tag) {
        return tags.computeIfAbsent(tag, k -> store.tagStates().find(k));
    }

    private TagState tagState(TagKey tag) {
        return tagStateOf(tag).orElse(null);
    }

    private String platform(String instanceArn) {
        if (instanceArn == null) {
            return Drift.DEFAULT_PLATFORM;
        }
        return platforms.computeIfAbsent(
                instanceArn,
                arn -> store.instances()
                        .find(arn)
                        .map(Versioned::value)
                        .map(InstanceRow::attributes)
                        .map(a -> Drift.platform(a == null ? Map.of() : a))
                        .orElse(Drift.DEFAULT_PLATFORM));
    }

    /** The tag an image as written names, or null (no tag, or a reference an older server accepted). */
    static TagKey tag(String image) {
        if (image == null) {
            return null;
        }
        try {
            ImageReference ref = ImageReference.parse(image);
            return ref.tag()
                    .map(t -> new TagKey(ref.registry(), ref.repository(), t))
                    .orElse(null);
        } catch (InvalidReferenceException e) {
            return null;
        }
    }
}
