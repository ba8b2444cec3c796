package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.NotificationPoster;
import dev.ballast.testing.ServerProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ballast server --notification-token-file}: the packaged server accepts notifications carrying the file's
 * token, refuses others, and never writes the token to its log; a file without a token stops the start with a reason.
 */
class NotificationTokenIT {
    private static final String TOKEN = "tok-7c1e9b0f-never-logged";

    @Test
    void theServerTakesItsTokenFromTheFileAndNeverLogsIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notification-token"), TOKEN + "\n");
        try (ServerProcess server = ServerProcess.start(
                ServerProcess.freePort(),
                "--data-dir",
                dir.resolve("data").toString(),
                "--simulated-instances",
                "0",
                "--notification-token-file",
                file.toString())) {
            NotificationPoster poster = new NotificationPoster(server.endpoint());
            String body = NotificationPoster.harbor(
                    "PUSH_ARTIFACT", "127.0.0.1:5000", "demo/app", "v1", "sha256:" + "1".repeat(64));
            assertThat(poster.post("Bearer " + TOKEN, null, body).status()).isEqualTo(200);
            assertThat(poster.post(TOKEN, null, body).status()).isEqualTo(200);
            assertThat(poster.post("Bearer nope", null, body).status()).isEqualTo(401);
            assertThat(server.log())
                    .contains("registry notifications: accepted on POST /registry-notifications with the token from "
                            + file)
                    .doesNotContain(TOKEN);
        }
    }

    @Test
    void aTokenFileWithoutATokenStopsTheStart(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("empty-token"), "\n");
        ServerProcess.Exited exited = ServerProcess.runToExit(
                ServerProcess.freePort(),
                Duration.ofSeconds(60),
                "--data-dir",
                dir.resolve("data").toString(),
                "--simulated-instances",
                "0",
                "--notification-token-file",
                file.toString());
        assertThat(exited.code()).as(exited.log()).isEqualTo(1);
        assertThat(exited.log()).contains("could not start: --notification-token-file " + file);
    }
}
