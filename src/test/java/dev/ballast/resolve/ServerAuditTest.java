package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.core.ModelJson;
import dev.ballast.model.TaskDefinition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The pure parts of {@link ServerAudit} as tables: which revisions are audited, what a recorded missing digest gives. */
class ServerAuditTest {
    private static final String PREFIX = "arn:aws:ecs:us-east-1:123456789012:task-definition/";
    private static final String DIGEST = "sha256:" + "a".repeat(64);

    @Test
    void theNewestRevisionOfEachFamilyOrEveryRevisionSortedByFamilyThenRevision() {
        List<String> arns = List.of(
                PREFIX + "web:2", PREFIX + "web:10", PREFIX + "api:1", PREFIX + "web:9", PREFIX + "web-worker:3");
        assertThat(ServerAudit.selectRevisions(arns, false))
                .containsExactly(PREFIX + "api:1", PREFIX + "web:10", PREFIX + "web-worker:3");
        assertThat(ServerAudit.selectRevisions(arns, true))
                .containsExactly(
                        PREFIX + "api:1",
                        PREFIX + "web:2",
                        PREFIX + "web:9",
                        PREFIX + "web:10",
                        PREFIX + "web-worker:3");
        assertThat(ServerAudit.selectRevisions(List.of(), false)).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // written with the recorded digest: missing, whatever the registry said
                "127.0.0.1:5000/team/web@DIGEST        | DIGEST_MISSING",
                "127.0.0.1:5000/team/web:v1@DIGEST     | DIGEST_MISSING",
                // another repository or registry with the same digest: not that record
                "127.0.0.1:5000/team/api@DIGEST        | PRESENT",
                "127.0.0.1:5001/team/web@DIGEST        | NOT_CHECKED",
                // a tag: never a recorded digest; what the registry said, else not checked
                "127.0.0.1:5000/team/web:v1            | TAG_MISSING",
                "127.0.0.1:5000/team/web:v2            | NOT_CHECKED",
                "not a reference                       | NOT_CHECKED",
            })
    void aRecordedMissingDigestWinsOverWhatTheRegistrySaid(String image, ImageCheck expected) {
        String written = image.replace("DIGEST", DIGEST);
        Set<String> missing = Set.of("127.0.0.1:5000/team/web@" + DIGEST);
        Map<String, ImageCheck> checks = Map.of(
                "127.0.0.1:5000/team/web@" + DIGEST,
                ImageCheck.PRESENT,
                "127.0.0.1:5000/team/api@" + DIGEST,
                ImageCheck.PRESENT,
                "127.0.0.1:5000/team/web:v1",
                ImageCheck.TAG_MISSING);
        assertThat(ServerAudit.check(written, missing, checks)).isEqualTo(expected);
    }

    @Test
    void noImageIsNotChecked() {
        assertThat(ServerAudit.check(null, Set.of(), Map.of())).isEqualTo(ImageCheck.NOT_CHECKED);
    }

    @Test
    void aContainerWithoutADecisionIsNamed() {
        TaskDefinition td = ModelJson.taskDefinition(
                "{\"family\":\"web\",\"containerDefinitions\":[{\"name\":\"app\",\"image\":\"nginx:1.27.3\"}]}");
        assertThatThrownBy(() ->
                        ServerAudit.containers(new Audit(ManagedCatalog.builtIn()), td, Map.of(), Set.of(), Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no decision for container app");
    }
}
