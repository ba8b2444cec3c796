package dev.ballast.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ballast.image.ImageReference;
import dev.ballast.testing.MutableClock;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Reply;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The registry's own words about a failed exchange go to the log at WARN at most once a minute per registry,
 * by the injected clock: the test moves the clock past the minute instead of waiting it out.
 */
class TransportWarnTest {

    @Test
    void an_unreachable_registry_is_warned_about_once_a_minute_by_the_clock() {
        ScriptedServer gone = ScriptedServer.start(r -> Reply.of(200));
        String host = gone.host();
        gone.close();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        RegistryClient client = new RegistryClient(
                RegistryConfig.defaults()
                        .withRetries(1, Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(1))
                        .withClock(clock, d -> {}),
                new SimpleMeterRegistry());
        ImageReference ref = ImageReference.parse(host + "/demo/app:v1");

        ListAppender<ILoggingEvent> log = new ListAppender<>();
        log.start();
        Logger logger = (Logger) LoggerFactory.getLogger(Transport.class);
        logger.addAppender(log);
        try {
            for (int i = 0; i < 3; i++) {
                assertThatThrownBy(() -> client.resolve(ref)).isInstanceOf(RegistryException.class);
            }
            assertThat(warnings(log))
                    .as("three failures within the minute: one WARN")
                    .isEqualTo(1);

            clock.advance(Duration.ofSeconds(59));
            assertThatThrownBy(() -> client.resolve(ref)).isInstanceOf(RegistryException.class);
            assertThat(warnings(log)).as("still within the minute by the clock").isEqualTo(1);

            clock.advance(Duration.ofSeconds(2));
            assertThatThrownBy(() -> client.resolve(ref)).isInstanceOf(RegistryException.class);
            assertThat(warnings(log))
                    .as("a minute later by the clock: WARN again")
                    .isEqualTo(2);
        } finally {
            logger.detachAppender(log);
        }
    }

    private static long warnings(ListAppender<ILoggingEvent> log) {
        return log.list.stream().filter(e -> e.getLevel() == Level.WARN).count();
    }
}
