package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Issue 9, item 10: a caller gets the registry's failure in ECS's words and the request id; the library's detail
 * goes to the server's log on a line carrying that same request id, so an operator can find it.
 */
class RequestIdLogIT {

    @Test
    void aRegistryFailureIsLoggedUnderTheRequestIdTheCallerReceives() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort(); // closed again: connecting to it is refused
        }
        String image = "127.0.0.1:" + closedPort + "/demo/app:v1";
        try (ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--runtime",
                        "simulated",
                        "--data-dir",
                        Files.createTempDirectory("ballast-reqid-").toString());
                EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
            ecs.registerTaskDefinition(r -> r.family("app")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(image)
                            .memory(64)
                            .versionConsistency("enabled")
                            .build()));
            ClientException refused =
                    catchThrowableOfType(ClientException.class, () -> ecs.runTask(r -> r.taskDefinition("app")));
            String requestId = refused.requestId();
            assertThat(requestId).isNotBlank();
            assertThat(refused.awsErrorDetails().errorMessage())
                    .contains("127.0.0.1:" + closedPort)
                    .doesNotContain("java.", "Exception");
            Eventually.await(
                    "a log line with request_id=" + requestId + " and the connect failure",
                    Duration.ofSeconds(10),
                    () -> log(server)
                            .lines()
                            .anyMatch(l -> l.contains("request_id=" + requestId) && l.contains("ConnectException")));
        }
    }

    private static String log(ServerProcess server) {
        try {
            return server.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
