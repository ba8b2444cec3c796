package dev.ballast.cli;

import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The packaged {@code ballast agent}, started with no {@code --endpoint} and no key options, finds the
 * server through {@code AWS_ENDPOINT_URL_ECS} and signs with the access key of the {@code AWS_PROFILE}
 * profile in the shared credentials file — against a server that accepts only that key (not the
 * development pair the agent would otherwise fall back to).
 */
class AgentEnvironmentIT {

    @Test
    void theAgentTakesItsEndpointAndCredentialsFromTheAwsEnvironment(@TempDir Path dir) throws Exception {
        Path serverKeys = Files.writeString(
                dir.resolve("server-credentials"),
                "[ci]\naws_access_key_id = AKIDAGENTCI\naws_secret_access_key = s3cret-agent\n");
        Path profiles = Files.writeString(
                dir.resolve("credentials"),
                "[default]\naws_access_key_id = test\naws_secret_access_key = test\n\n"
                        + "[ci]\naws_access_key_id = AKIDAGENTCI\naws_secret_access_key = s3cret-agent\n");
        try (ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--data-dir",
                        dir.resolve("server").toString(),
                        "--simulated-instances",
                        "0",
                        "--credentials-file",
                        serverKeys.toString());
                EcsClient ecs = Clients.ecs(server.endpoint(), "AKIDAGENTCI", "s3cret-agent")) {
            ecs.createCluster(c -> c.clusterName("remote"));
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED",
                    "-XX:+UseSerialGC",
                    "-XX:TieredStopAtLevel=1",
                    "-Xmx128m",
                    "-jar",
                    ServerProcess.jar().toString(),
                    "agent",
                    "--cluster",
                    "remote",
                    "--instance-state-dir",
                    Files.createDirectories(dir.resolve("agent")).toString()));
            Path log = dir.resolve("agent.log");
            ProcessBuilder pb =
                    new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
            pb.environment().put("AWS_ENDPOINT_URL_ECS", server.endpoint().toString());
            pb.environment().put("AWS_PROFILE", "ci");
            pb.environment().put("AWS_SHARED_CREDENTIALS_FILE", profiles.toString());
            pb.environment().put("AWS_CONFIG_FILE", dir.resolve("no-config").toString());
            Process agent = pb.start();
            try {
                Eventually.await("agent registered in cluster remote", Duration.ofSeconds(60), () -> {
                    if (!agent.isAlive()) {
                        throw new AssertionError("the agent exited; its log:\n" + read(log));
                    }
                    return !ecs.listContainerInstances(r -> r.cluster("remote"))
                            .containerInstanceArns()
                            .isEmpty();
                });
            } finally {
                agent.destroy();
                agent.waitFor();
            }
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
