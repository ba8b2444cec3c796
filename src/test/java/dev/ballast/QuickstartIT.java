package dev.ballast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's quickstart block, as written, with the real {@code aws} CLI against the packaged
 * server (only the port is changed, to a free one).
 */
class QuickstartIT {

    static String block(String name) throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        int begin = readme.indexOf("<!-- " + name + ":begin -->");
        int end = readme.indexOf("<!-- " + name + ":end -->");
        assertThat(begin).as("README has a %s block", name).isPositive();
        String block = readme.substring(begin, end);
        return block.substring(block.indexOf("```bash") + 7, block.lastIndexOf("```"));
    }

    /** Runs a README block with bash against the server on {@code port}; returns its output. */
    static String run(String script, int port) throws Exception {
        Path file = Files.createTempFile("readme-", ".sh");
        Files.writeString(file, "set -euo pipefail\n" + script.replace("127.0.0.1:8460", "127.0.0.1:" + port));
        ProcessBuilder pb = new ProcessBuilder("bash", file.toString()).redirectErrorStream(true);
        pb.environment().remove("AWS_PROFILE");
        pb.environment().put("AWS_CONFIG_FILE", "/dev/null");
        pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test");
        pb.environment().put("AWS_DEFAULT_REGION", "us-east-1");
        Process p = pb.start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("README block finishes").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit status; output:\n%s", out).isZero();
        return out;
    }

    /**
     * The "Deploy a service" block, with its public images served by a local registry instead (this machine
     * has no internet access): same commands, including {@code aws ecs wait services-stable}.
     */
    @Test
    void readmeDeployBlockWorksWithTheAwsCli() throws Exception {
        String script = block("deploy");
        try (RegistryFixture registry = RegistryFixture.start()) {
            var app = registry.images().push("nginx/nginx:1.27", TestImages.Format.OCI, "nginx");
            registry.images().push("aws-observability/aws-for-fluent-bit:stable", TestImages.Format.OCI, "fb");
            int port = ServerProcess.freePort();
            Path dataDir = Files.createTempDirectory("ballast-deploy-");
            try (ServerProcess server = ServerProcess.start(port, "--data-dir", dataDir.toString())) {
                String out = run(script.replace("public.ecr.aws/", registry.host() + "/"), port);
                assertThat(out)
                        .containsPattern("app\\s+" + Pattern.quote(registry.host()) + "/nginx/nginx:1.27\\s+"
                                + Pattern.quote(app.toString()));
                assertThat(out).contains("has reached a steady state");
            }
        }
    }

    @Test
    void readmeQuickstartWorksWithTheAwsCli() throws Exception {
        String script = block("quickstart");
        assertThat(script).contains("aws ecs create-cluster").contains("http://127.0.0.1:8460");

        int port = ServerProcess.freePort();
        Path dataDir = Files.createTempDirectory("ballast-quickstart-");
        try (ServerProcess server = ServerProcess.start(port, "--data-dir", dataDir.toString())) {
            String out = run(script, port);
            assertThat(out)
                    .contains("arn:aws:ecs:us-east-1:000000000000:cluster/demo")
                    .contains("task-definition/web:1")
                    .containsPattern("app\\s+nginx:1.27\\s+enabled")
                    .containsPattern("log-router\\s+fluent/fluent-bit:3.2\\s+disabled")
                    .contains("versionConsistency")
                    .containsPattern("\"value\":\\s*\"consistent\"");
        }
    }
}
