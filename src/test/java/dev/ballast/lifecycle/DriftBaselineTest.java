package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ContainerResolution;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.Store;
import dev.ballast.store.TagState;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DriftBaseline}: a RESOLVED record's tags become tag states unless a newer state exists (SQLite store). */
class DriftBaselineTest {
    static final TagKey TAG = new TagKey("127.0.0.1:5000", "demo/app", "v1");
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);

    @TempDir
    Path dir;

    Store store;
    DriftBaseline baseline;

    @BeforeEach
    void open() {
        store = Store.openSqlite(dir, Clock.systemUTC());
        baseline = new DriftBaseline(store, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    static RevisionRow revision(long resolvedAt, ContainerResolution... containers) {
        return new RevisionRow(
                "rev",
                "svc",
                "cluster",
                "td",
                resolvedAt,
                new ResolutionRecord(ResolutionState.RESOLVED, 1, null, List.of(containers), null),
                "EC2");
    }

    static ContainerResolution container(String name, String image, Mode mode, ResolutionOutcome outcome, String d) {
        return container(name, image, mode, outcome, d, 1_000L);
    }

    static ContainerResolution container(
            String name, String image, Mode mode, ResolutionOutcome outcome, String d, long resolvedAt) {
        return new ContainerResolution(
                name,
                image,
                mode,
                Layer.SYSTEM_DEFAULT,
                null,
                outcome,
                d,
                d == null ? image : image + "@" + d,
                resolvedAt,
                null);
    }

    @Test
    void resolvedTagsAreRecordedAsTheDeploymentSawThem() {
        baseline.resolved(revision(
                1_000,
                container("app", TAG.toString(), Mode.CONSISTENT, ResolutionOutcome.RESOLVED, D1),
                container("log", "127.0.0.1:5000/demo/log:v1", Mode.DISABLED, ResolutionOutcome.SKIPPED, null),
                container("pin", "127.0.0.1:5000/demo/pin:v1@" + D2, Mode.CONSISTENT, ResolutionOutcome.VERIFIED, D2)));

        TagState state = store.tagStates().find(TAG).orElseThrow();
        assertThat(state.digest()).isEqualTo(D1);
        assertThat(state.source()).isEqualTo(TagSource.DEPLOYMENT);
        assertThat(state.changedAt()).isEqualTo(1_000);
        assertThat(store.tagStates().all())
                .as("skipped and verified containers say nothing of their tag")
                .hasSize(1);
    }

    @Test
    void aNewerStateIsKept() {
        store.tagStates().record(new TagState(TAG, D2, null, null, 2_000, 2_000, TagSource.POLL));
        baseline.resolved(
                revision(1_000, container("app", TAG.toString(), Mode.CONSISTENT, ResolutionOutcome.RESOLVED, D1)));
        assertThat(store.tagStates().find(TAG).orElseThrow().digest()).isEqualTo(D2);

        // an older state is replaced: the resolution saw the tag later
        store.tagStates().record(new TagState(TAG, D2, null, null, 500, 500, TagSource.POLL));
        baseline.resolved(revision(
                3_000, container("app", TAG.toString(), Mode.CONSISTENT, ResolutionOutcome.RESOLVED, D1, 3_000L)));
        assertThat(store.tagStates().find(TAG).orElseThrow().digest()).isEqualTo(D1);
    }
}
