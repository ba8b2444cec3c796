package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.MovedTagKind;
import dev.ballast.model.MovedTagOutcome;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** V13's moved-tag rollouts and {@link ImagePolicies#all()}, the same on SQLite and PostgreSQL. */
abstract class MovedTagRolloutsContract {
    private static final String TAG = "127.0.0.1:5000/demo/agent:stable";
    private static final String D1 = "sha256:" + "1".repeat(64);
    private static final String D2 = "sha256:" + "2".repeat(64);

    private Store store;

    abstract Store open();

    @BeforeEach
    void start() {
        store = open();
    }

    @AfterEach
    void stop() {
        store.close();
    }

    private static MovedTagRollouts.Rollout rollout(String id, String service, String digest, long at) {
        return new MovedTagRollouts.Rollout(id, service, MovedTagKind.REFRESH, TAG, digest, D1, at, null, null);
    }

    @Test
    void openRolloutsEndOnceAndAFailedOneHaltsItsTagAndDigest() {
        MovedTagRollouts rollouts = store.movedTagRollouts();
        rollouts.started(rollout("ecs-svc/1", "svc-a", D2, 10));
        rollouts.started(rollout("ecs-svc/2", "svc-b", D2, 20));
        rollouts.started(rollout("ecs-svc/1", "svc-a", D2, 30)); // a repeated start changes nothing
        assertThat(rollouts.open())
                .extracting(MovedTagRollouts.Rollout::deploymentId)
                .containsExactly("ecs-svc/1", "ecs-svc/2");
        assertThat(rollouts.failed(TAG, D2)).isFalse();

        assertThat(rollouts.finished("ecs-svc/1", MovedTagOutcome.FAILED, 40)).isTrue();
        assertThat(rollouts.finished("ecs-svc/1", MovedTagOutcome.COMPLETED, 50))
                .isFalse();
        assertThat(rollouts.failed(TAG, D2)).isTrue();
        assertThat(rollouts.failed(TAG, D1)).isFalse();
        assertThat(rollouts.open())
                .extracting(MovedTagRollouts.Rollout::deploymentId)
                .containsExactly("ecs-svc/2");
        MovedTagRollouts.Rollout ended = rollouts.all().getFirst();
        assertThat(ended.outcome()).isEqualTo(MovedTagOutcome.FAILED);
        assertThat(ended.finishedAt()).isEqualTo(40L);
        assertThat(ended.previousDigest()).isEqualTo(D1);
        assertThat(ended.kind()).isEqualTo(MovedTagKind.REFRESH);
    }

    @Test
    void everyStoredPolicyIsListedByService() {
        ImageLifecyclePolicy refresh = new ImageLifecyclePolicy(MissingImageAction.FAIL, true, false, 0, true);
        store.imagePolicies().put("svc-b", refresh);
        store.imagePolicies().put("svc-a", ImageLifecyclePolicy.DEFAULT);
        assertThat(store.imagePolicies().all())
                .containsExactly(Map.entry("svc-a", ImageLifecyclePolicy.DEFAULT), Map.entry("svc-b", refresh));
    }
}
