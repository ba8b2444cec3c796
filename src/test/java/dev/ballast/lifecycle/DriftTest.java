package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.MediaTypes;
import dev.ballast.model.DriftStatus;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.TagState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Drift#compute}: the pure comparison of recorded, registry and task digests. */
class DriftTest {
    static final TagKey TAG = new TagKey("127.0.0.1:5000", "demo/app", "v1");
    static final String OLD = "sha256:" + "a".repeat(64);
    static final String NEW = "sha256:" + "b".repeat(64);
    static final String AMD = "sha256:" + "c".repeat(64);
    static final String ARM = "sha256:" + "d".repeat(64);
    static final String ARM2 = "sha256:" + "e".repeat(64);
    static final String AMD2 = "sha256:" + "f".repeat(64);
    static final long MOVED_AT = 1_700_000_000_000L;

    final Map<String, Map<String, String>> indexes = new HashMap<>();
    final Drift.Children children = (registry, repository, digest) -> Optional.ofNullable(indexes.get(digest));

    static TagState state(String digest, String mediaType) {
        return new TagState(TAG, digest, mediaType, null, MOVED_AT, MOVED_AT + 5, TagSource.POLL);
    }

    static Drift.TaskImage task(String n, String digest) {
        return new Drift.TaskImage("task-" + n, Drift.DEFAULT_PLATFORM, digest);
    }

    ContainerDrift drift(String pinned, TagState state, List<Drift.TaskImage> tasks) {
        return Drift.compute(new Drift.Input("app", TAG + "", TAG, pinned, state, tasks), children)
                .drift();
    }

    @Test
    void inSyncWhenTheTagStillPointsToThePinnedDigest() {
        ContainerDrift d = drift(OLD, state(OLD, MediaTypes.OCI_MANIFEST), List.of(task("1", OLD), task("2", OLD)));
        assertThat(d.status()).isEqualTo(DriftStatus.IN_SYNC);
        assertThat(d.since()).isNull();
        assertThat(d.convergedTasks()).isEqualTo(2);
        assertThat(d.converged()).isTrue();
    }

    @Test
    void movedWhenTheTagPointsElsewhereSinceItsChange() {
        ContainerDrift d = drift(OLD, state(NEW, MediaTypes.OCI_MANIFEST), List.of(task("1", OLD)));
        assertThat(d.status()).isEqualTo(DriftStatus.MOVED);
        assertThat(d.registryDigest()).isEqualTo(NEW);
        assertThat(d.since()).isEqualTo(MOVED_AT);
        assertThat(d.detail()).contains("moved to " + NEW).contains("runs " + OLD);
        // a pinned container's tasks run what the deployment recorded: converged, though drifted
        assertThat(d.convergedTasks()).isEqualTo(1);
        assertThat(d.converged()).isTrue();
    }

    @Test
    void unknownBeforeTheTagWasEverSeen() {
        ContainerDrift d = drift(OLD, null, List.of(task("1", OLD)));
        assertThat(d.status()).isEqualTo(DriftStatus.UNKNOWN);
        assertThat(d.registryDigest()).isNull();
        assertThat(d.convergedTasks()).isEqualTo(1);
    }

    @Test
    void tagMissingWhenTheRegistryHasNoSuchTag() {
        ContainerDrift d = drift(OLD, state(null, null), List.of(task("1", OLD)));
        assertThat(d.status()).isEqualTo(DriftStatus.TAG_MISSING);
        assertThat(d.since()).isEqualTo(MOVED_AT);
    }

    @Test
    void anIndexThatGainedAnotherPlatformOnlyIsNotDriftOfThisPlatform() {
        indexes.put(OLD, Map.of("linux/amd64", AMD));
        indexes.put(NEW, Map.of("linux/amd64", AMD, "linux/arm64/v8", ARM));
        ContainerDrift d = drift(OLD, state(NEW, MediaTypes.OCI_INDEX), List.of(task("1", OLD)));
        assertThat(d.status()).isEqualTo(DriftStatus.INDEX_CHANGED_PLATFORM_UNCHANGED);
        assertThat(d.status().drifted()).isFalse();
        assertThat(d.platformDigest()).isEqualTo(AMD);
        assertThat(d.detail()).startsWith("index changed, platform unchanged");

        // the same index seen from arm64 tasks: their image changed (it did not exist before)
        ContainerDrift arm = Drift.compute(
                        new Drift.Input(
                                "app",
                                TAG + "",
                                TAG,
                                OLD,
                                state(NEW, MediaTypes.OCI_INDEX),
                                List.of(new Drift.TaskImage("t", "linux/arm64", OLD))),
                        children)
                .drift();
        assertThat(arm.status()).isEqualTo(DriftStatus.MOVED);
    }

    @Test
    void anIndexWhosePlatformImageChangedIsMoved() {
        indexes.put(OLD, Map.of("linux/amd64", AMD, "linux/arm64", ARM));
        indexes.put(NEW, Map.of("linux/amd64", AMD2, "linux/arm64", ARM2));
        assertThat(drift(OLD, state(NEW, MediaTypes.OCI_INDEX), List.of()).status())
                .isEqualTo(DriftStatus.MOVED);
    }

    @Test
    void indexChildrenNotKnownYetAreAskedForAndTheStatusWaits() {
        indexes.put(NEW, Map.of("linux/amd64", AMD));
        Drift.Outcome o = Drift.compute(
                new Drift.Input("app", TAG + "", TAG, OLD, state(NEW, MediaTypes.OCI_INDEX), List.of(task("1", OLD))),
                children);
        assertThat(o.drift().status()).isEqualTo(DriftStatus.UNKNOWN);
        assertThat(o.unknownIndexes()).containsExactly(OLD);
    }

    @Test
    void pinnedTasksRunningAnotherDigestHaveNotConverged() {
        ContainerDrift d = drift(NEW, state(NEW, MediaTypes.OCI_MANIFEST), List.of(task("1", NEW), task("2", OLD)));
        assertThat(d.status()).isEqualTo(DriftStatus.IN_SYNC);
        assertThat(d.convergedTasks()).isEqualTo(1);
        assertThat(d.unconvergedTasks()).containsExactly("task-2");
        assertThat(d.converged()).isFalse();
    }

    @Test
    void disabledContainersShouldRunTheTagsCurrentDigestAfterAMove() {
        ContainerDrift d = drift(null, state(NEW, MediaTypes.OCI_MANIFEST), List.of(task("1", OLD), task("2", NEW)));
        assertThat(d.status()).isEqualTo(DriftStatus.MOVED);
        assertThat(d.pinnedDigest()).isNull();
        assertThat(d.unconvergedTasks()).containsExactly("task-1");
        assertThat(d.convergedTasks()).isEqualTo(1);
        assertThat(d.runningTasks()).isEqualTo(2);

        ContainerDrift settled = drift(null, state(NEW, MediaTypes.OCI_MANIFEST), List.of(task("2", NEW)));
        assertThat(settled.status()).isEqualTo(DriftStatus.IN_SYNC);
        assertThat(settled.converged()).isTrue();
    }

    @Test
    void disabledTasksOnAnIndexWithTheSamePlatformImageHaveConverged() {
        indexes.put(OLD, Map.of("linux/amd64", AMD));
        indexes.put(NEW, Map.of("linux/amd64", AMD, "linux/arm64", ARM));
        ContainerDrift d = drift(null, state(NEW, MediaTypes.OCI_INDEX), List.of(task("1", OLD)));
        assertThat(d.status()).isEqualTo(DriftStatus.INDEX_CHANGED_PLATFORM_UNCHANGED);
        assertThat(d.converged()).isTrue();
    }

    @Test
    void anImageWithoutATagHasNothingToFollow() {
        ContainerDrift d = Drift.compute(
                        new Drift.Input("app", "127.0.0.1:5000/demo/app@" + OLD, null, OLD, null, List.of()), children)
                .drift();
        assertThat(d.status()).isEqualTo(DriftStatus.UNTAGGED);
    }

    @Test
    void tasksWithoutADigestYetAreNotCounted() {
        ContainerDrift d = drift(OLD, state(OLD, null), List.of(task("1", null), task("2", OLD)));
        assertThat(d.runningTasks()).isEqualTo(1);
        assertThat(d.convergedTasks()).isEqualTo(1);
    }

    @Test
    void platformsComeFromEcsInstanceAttributes() {
        assertThat(Drift.platform(Map.of("ecs.os-type", "linux", "ecs.cpu-architecture", "x86_64")))
                .isEqualTo("linux/amd64");
        assertThat(Drift.platform(Map.of("ecs.os-type", "linux", "ecs.cpu-architecture", "arm64")))
                .isEqualTo("linux/arm64");
        assertThat(Drift.platform(Map.of())).isEqualTo(Drift.DEFAULT_PLATFORM);
        assertThat(Drift.child(Map.of("linux/arm64/v8", ARM), "linux/arm64")).isEqualTo(ARM);
    }
}
