package dev.ballast.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ballast.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A failure repeated every second is logged once a minute with its count; its stack trace only the first time. */
class RepeatedLogTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private RepeatedLog log;

    @BeforeEach
    void attach() {
        Logger logger = (Logger) LoggerFactory.getLogger("test.repeated." + System.nanoTime());
        lines.start();
        logger.addAppender(lines);
        log = new RepeatedLog(logger, clock, Duration.ofMinutes(1));
    }

    @Test
    void identicalFailuresAreCountedAndLoggedOncePerInterval() {
        RuntimeException error = new IllegalStateException("registry down");
        for (int i = 0; i < 120; i++) {
            log.warn("reconcile svc/a", "reconcile svc/a failed: registry down", error);
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(lines.list)
                .extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly(
                        "reconcile svc/a failed: registry down",
                        "reconcile svc/a failed: registry down (repeated 59 times in the last 60 s)");
        assertThat(lines.list.get(0).getThrowableProxy())
                .as("first: with its stack trace")
                .isNotNull();
        assertThat(lines.list.get(1).getThrowableProxy())
                .as("repeat: no stack trace")
                .isNull();
    }

    @Test
    void aDifferentMessageOrKeyIsLoggedAtOnce() {
        assertThat(log.log(RepeatedLog.Level.WARN, "a", "failed: 404", null)).isNotNull();
        assertThat(log.log(RepeatedLog.Level.WARN, "a", "failed: 404", null)).isNull();
        assertThat(log.log(RepeatedLog.Level.WARN, "b", "failed: 404", null))
                .as("other key")
                .isNotNull();
        assertThat(log.log(RepeatedLog.Level.WARN, "a", "failed: 500", null))
                .as("other message")
                .isEqualTo("failed: 500");
        log.clear("a");
        assertThat(log.log(RepeatedLog.Level.WARN, "a", "failed: 500", null))
                .as("after clear")
                .isEqualTo("failed: 500");
        assertThat(lines.list).hasSize(4);
    }
}
