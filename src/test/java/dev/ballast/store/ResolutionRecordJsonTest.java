package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.model.ContainerResolution;
import dev.ballast.model.Layer;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The typed resolution record is stored as the string-typed one was: the same JSON, word for word, written and
 * read back (documents stored before the model existed stay readable).
 */
class ResolutionRecordJsonTest {

    /** A record as the string-typed {@code store.ResolutionRecord} wrote it (captured before the change). */
    static final String STORED = "{\"state\":\"PENDING\",\"attempts\":2,\"nextAttemptAt\":5000,\"containers\":["
            + "{\"containerName\":\"app\",\"image\":\"r/app:v1\",\"mode\":\"consistent\",\"decidedBy\":\"container\","
            + "\"resolutionMode\":\"pending\",\"reason\":\"registry answered 503\"},"
            + "{\"containerName\":\"side\",\"image\":\"r/side:v1\",\"mode\":\"best-effort\",\"decidedBy\":\"cluster-rule\","
            + "\"rule\":\"*/side:*\",\"resolutionMode\":\"resolved\",\"imageDigest\":\"sha256:ab\","
            + "\"launchImage\":\"r/side:v1@sha256:ab\",\"resolvedAt\":4000},"
            + "{\"containerName\":\"log\",\"image\":\"r/log:v1\",\"mode\":\"disabled\",\"decidedBy\":\"managed-catalog\","
            + "\"rule\":\"r/log:*\",\"resolutionMode\":\"skipped\",\"launchImage\":\"r/log:v1\",\"resolvedAt\":4000}]}";

    static final ResolutionRecord TYPED = new ResolutionRecord(
            ResolutionState.PENDING,
            2,
            5000L,
            List.of(
                    new ContainerResolution(
                            "app",
                            "r/app:v1",
                            Mode.CONSISTENT,
                            Layer.CONTAINER,
                            null,
                            ResolutionOutcome.PENDING,
                            null,
                            null,
                            null,
                            "registry answered 503"),
                    new ContainerResolution(
                            "side",
                            "r/side:v1",
                            Mode.BEST_EFFORT,
                            Layer.CLUSTER_RULE,
                            "*/side:*",
                            ResolutionOutcome.RESOLVED,
                            "sha256:ab",
                            "r/side:v1@sha256:ab",
                            4000L,
                            null),
                    new ContainerResolution(
                            "log",
                            "r/log:v1",
                            Mode.DISABLED,
                            Layer.MANAGED_CATALOG,
                            "r/log:*",
                            ResolutionOutcome.SKIPPED,
                            null,
                            "r/log:v1",
                            4000L,
                            null)),
            null);

    @Test
    void writes_the_same_json_as_before() throws Exception {
        assertThat(DocTable.MAPPER.writeValueAsString(TYPED)).isEqualTo(STORED);
    }

    @Test
    void reads_a_stored_record_into_the_typed_one() throws Exception {
        assertThat(DocTable.MAPPER.readValue(STORED, ResolutionRecord.class)).isEqualTo(TYPED);
    }

    @Test
    void every_word_round_trips() throws Exception {
        for (ResolutionOutcome o : ResolutionOutcome.values()) {
            for (Layer l : Layer.values()) {
                for (Mode m : Mode.values()) {
                    ContainerResolution c = new ContainerResolution("c", "i", m, l, null, o, null, null, null, null);
                    for (ResolutionState s : ResolutionState.values()) {
                        ResolutionRecord r = new ResolutionRecord(s, 1, null, List.of(c), null);
                        assertThat(DocTable.MAPPER.readValue(
                                        DocTable.MAPPER.writeValueAsString(r), ResolutionRecord.class))
                                .isEqualTo(r);
                    }
                }
            }
        }
    }

    @Test
    void an_unknown_word_is_refused_naming_it() {
        assertThatThrownBy(() -> DocTable.MAPPER.readValue(
                        STORED.replace("\"best-effort\"", "\"sometimes\""), ResolutionRecord.class))
                .hasMessageContaining("\"sometimes\"");
        assertThatThrownBy(() ->
                        DocTable.MAPPER.readValue(STORED.replace("\"PENDING\"", "\"WAITING\""), ResolutionRecord.class))
                .hasMessageContaining("\"WAITING\"");
    }
}
