package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.ServerProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's quickstart block, as written, with the real {@code aws} CLI against the packaged
 * server (only the port is changed, to a free one).
 */
class QuickstartIT {

    @Test
    void readmeQuickstartWorksWithTheAwsCli() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf("<!-- quickstart:begin -->");
        int end = readme.indexOf("<!-- quickstart:end -->");
        assertThat(begin).as("README has a quickstart block").isPositive();
        String block = readme.substring(begin, end);
        String script = block.substring(block.indexOf("```bash") + 7, block.lastIndexOf("```"));
        assertThat(script).contains("aws ecs create-cluster").contains("http://127.0.0.1:8460");

        int port = ServerProcess.freePort();
        Path dataDir = Files.createTempDirectory("ballast-quickstart-");
        try (ServerProcess server = ServerProcess.start(port, "--data-dir", dataDir.toString())) {
            Path file = Files.createTempFile("quickstart-", ".sh");
            Files.writeString(file, "set -euo pipefail\n" + script.replace("127.0.0.1:8460", "127.0.0.1:" + port));
            ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
            pb.environment().remove("AWS_PROFILE");
            pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
            pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
            Process p = pb.start();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("quickstart finishes").isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as("quickstart exit status; output:\n%s", out).isZero();
            assertThat(out).contains("arn:aws:ecs:us-east-1:000000000000:cluster/demo")
                    .contains("task-definition/web:1")
                    .containsPattern("app\\s+nginx:1.27\\s+enabled")
                    .containsPattern("log-router\\s+fluent/fluent-bit:3.2\\s+disabled")
                    .contains("versionConsistency");
        }
    }
}
