package dev.ballast.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The repository filter of ListPins and the console's pins page, as a table. */
class PinnedDigestsTest {
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "team/app,   team/app,        true",
        "team/app,   team/app2,       false",
        "team/*,     team/app,        true",
        "team/*,     team/sub/app,    true",
        "team/*,     other/app,       false",
        "*/app,      a/b/app,         true",
        "t.e-am/a_p, t.e-am/a_p,      true",
        "t.e-am/a_p, txe-am/a_p,      false",
    })
    void aPathOrAGlobWhoseStarCrossesSlashes(String glob, String repository, boolean matches) {
        assertThat(PinnedDigests.repositoryGlob(glob).matcher(repository).matches())
                .isEqualTo(matches);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Team/App", "team app", "team/[a]", "<script>"})
    void anythingElseIsRefusedWithWhatToGive(String text) {
        assertThatThrownBy(() -> PinnedDigests.repositoryGlob(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("give a repository path such as team/app, or a glob such as team/*");
    }
}
