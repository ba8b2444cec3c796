package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image-lifecycle tables of V12 on SQLite: policies, tag states, index children, missing images, approvals. */
class LifecycleTablesTest {
    private static final TagKey TAG = new TagKey("127.0.0.1:5000", "demo/app", "v1");

    @TempDir
    Path dir;

    private Store store;

    @BeforeEach
    void open() {
        store = Store.openSqlite(dir, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aServiceWithoutAPolicyHasTheDefaultAndAStoredOneRoundTrips() {
        assertThat(store.imagePolicies().policy("svc")).isEqualTo(ImageLifecyclePolicy.DEFAULT);
        ImageLifecyclePolicy p = new ImageLifecyclePolicy(MissingImageAction.RERESOLVE, true, false, 30, true);
        store.imagePolicies().put("svc", p);
        assertThat(store.imagePolicies().policy("svc")).isEqualTo(p);
        ImageLifecyclePolicy q = new ImageLifecyclePolicy(MissingImageAction.FAIL, false, true, 0, false);
        store.imagePolicies().put("svc", q);
        assertThat(store.imagePolicies().find("svc")).contains(q);
        assertThat(store.imagePolicies().delete("svc")).isTrue();
        assertThat(store.imagePolicies().find("svc")).isEmpty();
    }

    @Test
    void aTagStateKeepsItsChangeTimeUntilTheDigestMoves() {
        assertThat(store.tagStates().record(state("sha256:aa", 100, 100)))
                .isEqualTo(new TagStates.Recorded(true, null));
        TagState first = store.tagStates().find(TAG).orElseThrow();
        assertThat(store.tagStates().record(state("sha256:aa", 200, 200)))
                .isEqualTo(new TagStates.Recorded(true, first));
        assertThat(store.tagStates().find(TAG).orElseThrow().changedAt()).isEqualTo(100);
        assertThat(store.tagStates().find(TAG).orElseThrow().checkedAt()).isEqualTo(200);
        store.tagStates().record(state("sha256:bb", 300, 300));
        TagState moved = store.tagStates().find(TAG).orElseThrow();
        assertThat(moved.digest()).isEqualTo("sha256:bb");
        assertThat(moved.changedAt()).isEqualTo(300);
        assertThat(moved.movedFrom(first)).isTrue();
        assertThat(store.tagStates().checked(TAG, 400)).isTrue();
        assertThat(store.tagStates().all())
                .singleElement()
                .extracting(TagState::checkedAt)
                .isEqualTo(400L);
        assertThat(store.tagStates().delete(TAG)).isTrue();
        assertThat(store.tagStates().all()).isEmpty();
    }

    @Test
    void anOlderObservationNeverOverwritesANewerOne() {
        olderObservationNeverOverwritesANewerOne(store);
    }

    /**
     * The watcher's HEAD answered X at 100, a push then recorded Y at 200, the watcher writes X afterwards: Y stays
     * (digest and changedAt), the write tells it was ignored and what stands; a late 304 confirmation is ignored too.
     * Also run on PostgreSQL ({@code PostgresTagStatesIT}).
     */
    static void olderObservationNeverOverwritesANewerOne(Store store) {
        store.tagStates().record(state("sha256:aa", 50, 50));
        TagState push = new TagState(TAG, "sha256:bb", null, null, 200, 200, TagSource.PUSH);
        TagStates.Recorded pushed = store.tagStates().record(push);
        assertThat(pushed.applied()).isTrue();
        assertThat(pushed.moved(push)).isTrue();
        TagState late = state("sha256:aa", 100, 100);
        TagStates.Recorded ignored = store.tagStates().record(late);
        assertThat(ignored).isEqualTo(new TagStates.Recorded(false, push));
        assertThat(ignored.moved(late)).isFalse();
        assertThat(store.tagStates().find(TAG)).contains(push);
        assertThat(store.tagStates().checked(TAG, 150)).isFalse();
        assertThat(store.tagStates().find(TAG)).contains(push);
        // an observation as recent as the stored one applies (the later writer wins a tie)
        assertThat(store.tagStates().record(state("sha256:aa", 200, 200)).applied())
                .isTrue();
        assertThat(store.tagStates().find(TAG).orElseThrow().digest()).isEqualTo("sha256:aa");
    }

    @Test
    void indexChildrenAreWrittenOnce() {
        store.indexPlatforms().record("r", "demo/app", "sha256:ix", Map.of("linux/amd64", "sha256:a1"));
        store.indexPlatforms().record("r", "demo/app", "sha256:ix", Map.of("linux/amd64", "sha256:other"));
        assertThat(store.indexPlatforms().find("r", "demo/app", "sha256:ix"))
                .contains(Map.of("linux/amd64", "sha256:a1"));
        assertThat(store.indexPlatforms().find("r", "demo/app", "sha256:none")).isEmpty();
    }

    @Test
    void aMissingImageKeepsItsFirstDetectionUntilCleared() {
        assertThat(store.missingImages().mark(new MissingImage("r", "demo/app", "sha256:aa", 10, "guard")))
                .isTrue();
        assertThat(store.missingImages().mark(new MissingImage("r", "demo/app", "sha256:aa", 20, "notification")))
                .isFalse();
        assertThat(store.missingImages().find("r", "demo/app", "sha256:aa").orElseThrow())
                .extracting(MissingImage::detectedAt, MissingImage::source, MissingImage::reference)
                .containsExactly(10L, "guard", "r/demo/app@sha256:aa");
        assertThat(store.missingImages().clear("r", "demo/app", "sha256:aa")).isTrue();
        assertThat(store.missingImages().all()).isEmpty();
    }

    @Test
    void approvalsAreScopedToTheDigestAndClearedPerService() {
        store.approvals().approve("svc", "sha256:aa", 10);
        store.approvals().approve("svc", "sha256:aa", 20);
        assertThat(store.approvals().isApproved("svc", "sha256:aa")).isTrue();
        assertThat(store.approvals().isApproved("svc", "sha256:bb")).isFalse();
        assertThat(store.approvals().isApproved("other", "sha256:aa")).isFalse();
        assertThat(store.approvals().all())
                .singleElement()
                .extracting(Approvals.Approval::approvedAt)
                .isEqualTo(10L);
        assertThat(store.approvals().clear("svc")).isEqualTo(1);
        assertThat(store.approvals().isApproved("svc", "sha256:aa")).isFalse();
    }

    @Test
    void withdrawingKeepsTheCurrentDigestsApprovalAndReturnsTheOthers() {
        store.approvals().approve("svc", "sha256:aa", 10);
        store.approvals().approve("svc", "sha256:bb", 20);
        store.approvals().approve("svc", "sha256:cc", 30);
        store.approvals().approve("other", "sha256:aa", 40);

        assertThat(store.approvals().withdrawAllBut("svc", "sha256:cc"))
                .containsExactlyInAnyOrder("sha256:aa", "sha256:bb");

        assertThat(store.approvals().all())
                .extracting(Approvals.Approval::serviceArn, Approvals.Approval::digest)
                .containsExactly(tuple("other", "sha256:aa"), tuple("svc", "sha256:cc"));
        assertThat(store.approvals().withdrawAllBut("svc", "sha256:cc")).isEmpty();
    }

    private static TagState state(String digest, long changedAt, long checkedAt) {
        return new TagState(
                TAG, digest, "application/vnd.oci.image.index.v1+json", null, changedAt, checkedAt, TagSource.POLL);
    }
}
