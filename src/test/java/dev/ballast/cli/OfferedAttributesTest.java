package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OfferedAttributesTest {
    @Test
    void attributesFromTheCommandLineAreCheckedAndServerlessAdded() {
        Map<String, String> given = Map.of("ecs.instance-type", "m5.large", "rack", "r 1");
        assertThat(OfferedAttributes.offered(OfferedAttributes.checked("--attribute", given), true))
                .containsExactlyInAnyOrderEntriesOf(
                        Map.of("ecs.instance-type", "m5.large", "rack", "r 1", "ballast.serverless", "true"));
        assertThat(OfferedAttributes.offered(given, false)).doesNotContainKey("ballast.serverless");
    }

    @Test
    void aMalformedAttributeIsRefusedNamingTheOptionAndTheAttribute() {
        assertThatThrownBy(() -> OfferedAttributes.checked("--attribute", Map.of("bad name!", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--attribute")
                .hasMessageContaining("'bad name!'");
        assertThatThrownBy(() -> OfferedAttributes.checked("--attribute", Map.of("team@corp", "x")))
                .as("a name PutAttributes would refuse could never be deleted")
                .hasMessageContaining("'team@corp'");
        assertThatThrownBy(() -> OfferedAttributes.checked("--attribute", Map.of("rack", " r1")))
                .hasMessageContaining("'rack'");
        assertThatThrownBy(() -> OfferedAttributes.checked("--instance-attribute", Map.of("rack", "x".repeat(129))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--instance-attribute")
                .hasMessageContaining("'rack'");
    }
}
