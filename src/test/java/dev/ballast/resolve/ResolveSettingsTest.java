package dev.ballast.resolve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ResolveSettingsTest {

    @Test
    void backoff_doubles_from_one_second_up_to_sixteen() {
        ResolveSettings s = ResolveSettings.defaults();
        assertThat(s.strictAttempts()).isEqualTo(5);
        assertThat(s.bestEffortAttempts()).isEqualTo(3);
        assertThat(s.coalesceWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(IntStream.rangeClosed(1, 7).mapToObj(s::backoff).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 16L, 16L);
        assertThat(s.backoff(1000)).isEqualTo(Duration.ofSeconds(16));
    }

    @Test
    void refuses_nonsense() {
        assertThatThrownBy(() -> new ResolveSettings(0, 3, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ZERO))
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new ResolveSettings(1, 3, Duration.ZERO, Duration.ofSeconds(2), Duration.ZERO))
                .hasMessageContaining("initialBackoff");
    }
}
