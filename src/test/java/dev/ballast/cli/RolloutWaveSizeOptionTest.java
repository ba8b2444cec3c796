package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ballast server --rollout-wave-size}: parsed, defaulted to 5, and a size below 1 refused naming it. */
class RolloutWaveSizeOptionTest {
    @Test
    void theServerTakesARolloutWaveSize() {
        ServerCommand server = new ServerCommand();
        new CommandLine(server).parseArgs("--rollout-wave-size", "3");
        assertThat(server.rolloutWaveSize).isEqualTo(3);
        ServerCommand defaults = new ServerCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.rolloutWaveSize).isEqualTo(5);
        assertThat(ServerConfig.Lifecycle.defaults().waveSize()).isEqualTo(5);
    }

    @Test
    void aWaveOfNoServiceIsRefused() {
        assertThatThrownBy(() -> ServerConfig.Lifecycle.defaults().withWaveSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rollout wave size must be at least 1, got 0");
    }
}
