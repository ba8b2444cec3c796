package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link NotificationToken}: the file first, then the environment, else none; refusals name the source, never the token. */
class NotificationTokenTest {
    private static final Logger LOG = LoggerFactory.getLogger(NotificationTokenTest.class);

    @TempDir
    Path dir;

    @Test
    void theFileWinsAndItsSurroundingWhiteSpaceGoes() throws IOException {
        Path file = Files.writeString(dir.resolve("token"), "  s3cret\n");
        assertThat(NotificationToken.load(file, "from-env", LOG)).isEqualTo("s3cret");
        assertThat(NotificationToken.load(null, " from-env ", LOG)).isEqualTo("from-env");
        assertThat(NotificationToken.load(null, null, LOG)).isNull();
    }

    @Test
    void anEmptyMissingOrMultiLineFileOrABlankVariableIsRefused() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> NotificationToken.load(empty, null, LOG))
                .hasMessageContaining("--notification-token-file " + empty)
                .hasMessageContaining("expected one line");
        Path two = Files.writeString(dir.resolve("two"), "secret-one\nsecret-two\n");
        assertThatThrownBy(() -> NotificationToken.load(two, null, LOG))
                .hasMessageContaining("expected one line")
                .hasMessageNotContaining("secret-one");
        assertThatThrownBy(() -> NotificationToken.load(dir.resolve("absent"), null, LOG))
                .hasMessageContaining("cannot read it");
        assertThatThrownBy(() -> NotificationToken.load(null, "  ", LOG))
                .hasMessageContaining(NotificationToken.ENV + " is set but blank");
    }
}
