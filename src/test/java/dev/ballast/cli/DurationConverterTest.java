package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Durations as options take them (--stopped-task-retention 1h, --agent-disconnect-after 30s …). */
class DurationConverterTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"500ms,PT0.5S", "30s,PT30S", "5m,PT5M", "1h,PT1H", "24h,PT24H", "PT90S,PT1M30S"})
    void parses(String text, String expected) {
        assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.parse(expected));
    }

    @Test
    void refusesWhatIsNotADurationNamingIt() {
        assertThatThrownBy(() -> new DurationConverter().convert("an hour"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'an hour'")
                .hasMessageContaining("1h");
    }

    @Test
    void theServerTakesAStoppedTaskRetention() {
        ServerCommand server = new ServerCommand();
        new CommandLine(server).parseArgs("--stopped-task-retention", "2h");
        assertThat(server.stoppedTaskRetention).isEqualTo(Duration.ofHours(2));
        ServerCommand defaults = new ServerCommand();
        new CommandLine(defaults).parseArgs();
        assertThat(defaults.stoppedTaskRetention).isEqualTo(Duration.ofHours(1));
    }
}
