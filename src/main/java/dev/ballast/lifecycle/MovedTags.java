package dev.ballast.lifecycle;

import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.DesiredStatus;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.Mode;
import dev.ballast.model.MovedTagKind;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.model.ServiceStatus;
import dev.ballast.model.TagKey;
import dev.ballast.model.TaskStatus;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import dev.ballast.store.TaskRow;
import dev.ballast.store.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Whether a service's PRIMARY deployment is behind a moved tag, from the store only (no registry request): for a
 * pinned container ({@code autoRedeploy}) the tag now serves another digest than the one recorded; for a
 * {@code disabled} container ({@code refresh}) the recorded digest (set by an earlier refresh) or, before any
 * refresh, the digest its running tasks report differs from the one the tag serves now. The first such container
 * (record order) is the service's {@link Move}; its digest is the one an approval must name. A tag state last
 * checked before the PRIMARY deployment was created is not trusted (it may predate what the deployment launched).
 */
public final class MovedTags {
    /**
     * A service behind a moved tag: its PRIMARY deployment and revision (stored version kept for the refresh's
     * compare-and-set), how it follows ({@code kind}), the container and tag, the digest the tag serves now, the
     * digest the deployment runs ({@code previousDigest}, null when unknown) and since when the tag points there.
     */
    public record Move(
            ServiceRow service,
            DeploymentRow primary,
            Versioned<RevisionRow> revision,
            MovedTagKind kind,
            String container,
            TagKey tag,
            String digest,
            String previousDigest,
            long changedAt) {}

    private final Store store;

    public MovedTags(Store store) {
        this.store = store;
    }

    /** The service's move under {@code policy}, if its PRIMARY deployment is behind a tag it follows. */
    public Optional<Move> of(String serviceArn, ImageLifecyclePolicy policy) {
        if (!policy.followsMovedTags()) {
            return Optional.empty();
        }
        Optional<ServiceRow> service = store.services().find(serviceArn).map(Versioned::value);
        if (service.isEmpty() || !service.get().status().equals(ServiceStatus.ACTIVE.wire())) {
            return Optional.empty();
        }
        Optional<DeploymentRow> primary = store.deployments().ofService(serviceArn).stream()
                .map(Versioned::value)
                .filter(d -> d.status().equals(DeploymentStatus.PRIMARY.wire()))
                .findFirst();
        if (primary.isEmpty()) {
            return Optional.empty();
        }
        Optional<Versioned<RevisionRow>> revision =
                store.revisions().find(primary.get().revisionArn());
        if (revision.isEmpty() || !revision.get().value().resolution().resolved()) {
            return Optional.empty();
        }
        List<TaskRow> running = null;
        for (ContainerResolution c : revision.get().value().resolution().containers()) {
            Optional<TagKey> tag = tagOf(c);
            if (tag.isEmpty()) {
                continue;
            }
            Optional<TagState> state = store.tagStates().find(tag.get());
            if (state.isEmpty() || state.get().digest() == null) {
                continue; // nothing recorded, or the tag is gone: nothing to roll to
            }
            if (state.get().checkedAt() < primary.get().createdAt()) {
                continue; // last seen before the deployment existed: a stale state cannot roll it (next check will)
            }
            String now = state.get().digest();
            String recorded = c.imageDigest();
            if (recorded != null && !recorded.equals(now) && platformsUnchanged(tag.get(), recorded, now)) {
                continue; // an index that only gained platforms: no task's bytes changed
            }
            if (c.mode() == Mode.DISABLED && policy.refresh()) {
                if (running == null) {
                    running = running(serviceArn, primary.get().id());
                }
                String ran =
                        c.imageDigest() != null ? c.imageDigest() : mostCommonOther(running, c.containerName(), now);
                if (ran != null && !ran.equals(now) && !platformsUnchanged(tag.get(), ran, now)) {
                    return Optional.of(new Move(
                            service.get(),
                            primary.get(),
                            revision.get(),
                            MovedTagKind.REFRESH,
                            c.containerName(),
                            tag.get(),
                            now,
                            ran,
                            state.get().changedAt()));
                }
            } else if (c.mode() != Mode.DISABLED
                    && policy.autoRedeploy()
                    && c.resolutionMode() == ResolutionOutcome.RESOLVED
                    && c.imageDigest() != null
                    && !c.imageDigest().equals(now)) {
                return Optional.of(new Move(
                        service.get(),
                        primary.get(),
                        revision.get(),
                        MovedTagKind.AUTO_REDEPLOY,
                        c.containerName(),
                        tag.get(),
                        now,
                        c.imageDigest(),
                        state.get().changedAt()));
            }
        }
        return Optional.empty();
    }

    /**
     * The refresh's resolution record: {@code record} with every {@code disabled} container of {@code tag} launched
     * at {@code digest} ({@code repo:tag@digest}, outcome {@code resolved}: Holdings, the guard and pins then see the
     * digest); other containers as recorded (pinned digests kept).
     */
    static ResolutionRecord pinned(ResolutionRecord record, TagKey tag, String digest, long at, String why) {
        List<ContainerResolution> out = new ArrayList<>();
        for (ContainerResolution c : record.containers()) {
            boolean match =
                    c.mode() == Mode.DISABLED && tagOf(c).map(tag::equals).orElse(false);
            out.add(match ? c.with(ResolutionOutcome.RESOLVED, digest, launchImage(c.image(), digest), at, why) : c);
        }
        return new ResolutionRecord(ResolutionState.RESOLVED, record.attempts(), null, out, null);
    }

    /** Whether {@code record} still launches some {@code disabled} container of {@code tag} from the tag itself. */
    static boolean launchesFromTag(ResolutionRecord record, TagKey tag) {
        return record.containers().stream()
                .anyMatch(c -> c.mode() == Mode.DISABLED
                        && c.imageDigest() == null
                        && tagOf(c).map(tag::equals).orElse(false));
    }

    private static String launchImage(String image, String digest) {
        int at = image.indexOf('@');
        return (at < 0 ? image : image.substring(0, at)) + "@" + digest;
    }

    static Optional<TagKey> tagOf(ContainerResolution c) {
        if (c.image() == null) {
            return Optional.empty();
        }
        try {
            ImageReference image = ImageReference.parse(c.image());
            if (image.digest().isPresent()) {
                return Optional.empty(); // an image written with a digest does not follow its tag
            }
            return image.tag().map(t -> new TagKey(image.registry(), image.repository(), t));
        } catch (InvalidReferenceException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether both digests are indexes the tag watcher recorded the children of, and every platform of {@code from}
     * has the same child in {@code to} (e.g. an index that gained an arm64 child only; attestation manifests are
     * ignored, {@link IndexChildren#platformsUnchanged}): whatever platform a task runs, its bytes did not change.
     */
    private boolean platformsUnchanged(TagKey tag, String from, String to) {
        Optional<Map<String, String>> before = store.indexPlatforms().find(tag.registry(), tag.repository(), from);
        Optional<Map<String, String>> after = store.indexPlatforms().find(tag.registry(), tag.repository(), to);
        return before.isPresent() && after.isPresent() && IndexChildren.platformsUnchanged(before.get(), after.get());
    }

    private List<TaskRow> running(String serviceArn, String deploymentId) {
        return store.tasks().liveOfService(serviceArn).stream()
                .map(Versioned::value)
                .filter(t -> deploymentId.equals(t.deploymentId())
                        && t.desiredStatus().equals(DesiredStatus.RUNNING.wire())
                        && t.lastStatus().equals(TaskStatus.RUNNING.wire()))
                .toList();
    }

    /**
     * The digest other than {@code now} that most running tasks report for {@code container} (null when every task
     * that reported one runs {@code now}).
     */
    private static String mostCommonOther(List<TaskRow> tasks, String container, String now) {
        Map<String, Long> counts = tasks.stream()
                .flatMap(t -> t.containers().stream())
                .filter(c -> c.name().equals(container))
                .map(TaskRow.ContainerRow::imageDigest)
                .filter(d -> d != null && !d.equals(now))
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        return counts.entrySet().stream()
                .max(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey)
                .orElse(null);
    }
}
