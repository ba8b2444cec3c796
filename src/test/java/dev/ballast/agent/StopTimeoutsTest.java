package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.core.ModelJson;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StopTimeoutsTest {

    static Stream<Arguments> documents() {
        return Stream.of(
                Arguments.of("{\"containerDefinitions\":[{\"name\":\"app\"}]}", Map.of()),
                Arguments.of(
                        "{\"containerDefinitions\":[{\"name\":\"app\",\"stopTimeout\":5},{\"name\":\"side\"}]}",
                        Map.of("app", Duration.ofSeconds(5))),
                Arguments.of(
                        "{\"containerDefinitions\":[{\"name\":\"app\",\"stopTimeout\":0},"
                                + "{\"name\":\"side\",\"stopTimeout\":120}]}",
                        Map.of("app", Duration.ZERO, "side", Duration.ofSeconds(120))),
                Arguments.of("{\"containerDefinitions\":[{\"name\":\"neg\",\"stopTimeout\":-1}]}", Map.of()));
    }

    @ParameterizedTest
    @MethodSource("documents")
    void reads_each_containers_stop_timeout(String doc, Map<String, Duration> expected) {
        assertThat(StopTimeouts.of(ModelJson.taskDefinition(doc))).isEqualTo(expected);
    }
}
