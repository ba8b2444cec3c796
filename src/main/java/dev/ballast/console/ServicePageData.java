package dev.ballast.console;

import dev.ballast.lifecycle.DriftView;
import dev.ballast.lifecycle.Holding;
import dev.ballast.lifecycle.Holdings;
import dev.ballast.lifecycle.MovedTags;
import dev.ballast.lifecycle.ServiceDrift;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.MissingImage;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskRow;
import dev.ballast.store.TaskRows;
import dev.ballast.store.Versioned;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one rendering of the service page reads, each read at most once and only when a section asks for it: a live
 * region's poll reads only what its region shows. The service's unstopped tasks are read once, for the drift (which
 * needs their reported digests) and the tasks summary; counts per deployment come from one grouped query.
 */
final class ServicePageData {
    private final Store store;
    private final ServiceRow service;
    private List<DeploymentRow> deployments;
    private Map<String, TaskRows.Counts> counts;
    private List<TaskRow> liveTasks;
    private List<Holding> holdings;
    private ServiceDrift drift;
    private Optional<ImageLifecyclePolicy> storedPolicy;
    private Optional<MovedTags.Move> move;
    private final Map<String, Optional<RevisionRow>> revisions = new HashMap<>();

    ServicePageData(Store store, ServiceRow service) {
        this.store = store;
        this.service = service;
    }

    Store store() {
        return store;
    }

    ServiceRow service() {
        return service;
    }

    /** Every deployment the store keeps for the service, newest first. */
    List<DeploymentRow> deployments() {
        if (deployments == null) {
            deployments = store.deployments().ofService(service.arn()).stream()
                    .map(Versioned::value)
                    .toList();
        }
        return deployments;
    }

    /** Running and pending tasks (wanted RUNNING) per deployment id. */
    Map<String, TaskRows.Counts> counts() {
        if (counts == null) {
            counts = store.tasks().liveCountsOfService(service.arn());
        }
        return counts;
    }

    /** The service's running and pending counts over all its deployments. */
    TaskRows.Counts total() {
        return counts().values().stream().reduce(TaskRows.Counts.NONE, TaskRows.Counts::plus);
    }

    Optional<RevisionRow> revision(String arn) {
        if (arn == null) {
            return Optional.empty();
        }
        return revisions.computeIfAbsent(arn, a -> store.revisions().find(a).map(Versioned::value));
    }

    /** The service's tasks that are not STOPPED (read once per rendering). */
    List<TaskRow> liveTasks() {
        if (liveTasks == null) {
            liveTasks = store.tasks().liveOfService(service.arn()).stream()
                    .map(Versioned::value)
                    .toList();
        }
        return liveTasks;
    }

    /** The digests the service holds (active deployments and the rollback target), read once per rendering. */
    List<Holding> holdings() {
        if (holdings == null) {
            holdings = new Holdings(store).ofService(service.arn());
        }
        return holdings;
    }

    /** The missing-image record of a pinned digest the service holds, if its registry is known to have lost it. */
    Optional<MissingImage> missing(Holding held) {
        return held.pinned()
                ? store.missingImages()
                        .find(held.image().registry(), held.image().repository(), held.digest())
                : Optional.empty();
    }

    /** Whether a pinned digest the service holds is known missing from its registry. */
    boolean holdsMissing() {
        return holdings().stream().anyMatch(h -> missing(h).isPresent());
    }

    ServiceDrift drift() {
        if (drift == null) {
            drift = new DriftView(store).of(service, deployments(), liveTasks());
        }
        return drift;
    }

    /** The service's stored image-lifecycle policy, if it has one (else the default applies). */
    Optional<ImageLifecyclePolicy> storedPolicy() {
        if (storedPolicy == null) {
            storedPolicy = store.imagePolicies().find(service.arn());
        }
        return storedPolicy;
    }

    ImageLifecyclePolicy policy() {
        return storedPolicy().orElse(ImageLifecyclePolicy.DEFAULT);
    }

    /**
     * The digest the service waits to roll to when its policy follows moved tags (the one an approval must name, as
     * ApproveDigest reports it), if its PRIMARY deployment is behind a tag.
     */
    Optional<MovedTags.Move> move() {
        if (move == null) {
            move = policy().followsMovedTags() ? new MovedTags(store).of(service.arn(), policy()) : Optional.empty();
        }
        return move;
    }

    /** The digest awaiting an approval, if the policy requires one and the pending digest has none yet. */
    Optional<String> awaitingApproval() {
        if (!policy().requireApproval()) {
            return Optional.empty();
        }
        return move().map(MovedTags.Move::digest).filter(d -> !store.approvals().isApproved(service.arn(), d));
    }
}
