package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.ContainerResolution;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.model.TagKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The refresh's record (pure): only the {@code disabled} containers of the moved tag get the digest. */
class MovedTagsTest {
    private static final String OLD = "sha256:" + "a".repeat(64);
    private static final String NEW = "sha256:" + "b".repeat(64);
    private static final String APP = "sha256:" + "c".repeat(64);
    private static final TagKey AGENT = new TagKey("registry.lan:5000", "ops/agent", "stable");

    private static ContainerResolution disabled(String name, String image) {
        return new ContainerResolution(
                name, image, Mode.DISABLED, Layer.CONTAINER, null, ResolutionOutcome.SKIPPED, null, image, 1L, null);
    }

    private static final ContainerResolution PINNED = new ContainerResolution(
            "app",
            "registry.lan:5000/shop/web:v1",
            Mode.CONSISTENT,
            Layer.SYSTEM_DEFAULT,
            null,
            ResolutionOutcome.RESOLVED,
            APP,
            "registry.lan:5000/shop/web:v1@" + APP,
            1L,
            null);

    private static final ResolutionRecord RECORD = new ResolutionRecord(
            ResolutionState.RESOLVED,
            1,
            null,
            List.of(
                    PINNED,
                    disabled("agent", "registry.lan:5000/ops/agent:stable"),
                    disabled("other", "registry.lan:5000/ops/other:stable"),
                    disabled("fixed", "registry.lan:5000/ops/agent@" + OLD)),
            null);

    @Test
    void onlyDisabledContainersOfTheMovedTagAreLaunchedAtTheNewDigest() {
        ResolutionRecord refreshed = MovedTags.pinned(RECORD, AGENT, NEW, 5L, "refreshed");

        assertThat(refreshed.state()).isEqualTo(ResolutionState.RESOLVED);
        assertThat(refreshed.containers().get(0)).isEqualTo(PINNED);
        ContainerResolution agent = refreshed.containers().get(1);
        assertThat(agent.launchImage()).isEqualTo("registry.lan:5000/ops/agent:stable@" + NEW);
        assertThat(agent.imageDigest()).isEqualTo(NEW);
        assertThat(agent.resolutionMode()).isEqualTo(ResolutionOutcome.RESOLVED);
        assertThat(agent.mode()).isEqualTo(Mode.DISABLED);
        assertThat(agent.reason()).isEqualTo("refreshed");
        assertThat(refreshed.containers().get(2)).isEqualTo(RECORD.containers().get(2));
        assertThat(refreshed.containers().get(3)).isEqualTo(RECORD.containers().get(3));
    }

    @Test
    void aRecordPinnedByARefreshNoLongerLaunchesFromTheTag() {
        assertThat(MovedTags.launchesFromTag(RECORD, AGENT)).isTrue();
        assertThat(MovedTags.launchesFromTag(MovedTags.pinned(RECORD, AGENT, OLD, 5L, "observed"), AGENT))
                .isFalse();
        assertThat(MovedTags.launchesFromTag(RECORD, new TagKey("registry.lan:5000", "ops/agent", "v2")))
                .isFalse();
    }
}
