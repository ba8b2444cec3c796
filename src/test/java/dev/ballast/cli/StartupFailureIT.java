package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.ServerProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server or agent that cannot start exits non-zero with a message saying why, instead of running on without
 * its listener or dying with a stack trace (issue 9, item 3).
 */
class StartupFailureIT {

    @Test
    void aServerWhosePortIsTakenExitsNamingTheAddressAndPort(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            ServerProcess.Exited exited = ServerProcess.runToExit(
                    port, Duration.ofSeconds(60), "--data-dir", dir.toString(), "--simulated-instances", "0");
            assertThat(exited.code()).as(exited.log()).isEqualTo(1);
            assertThat(exited.log())
                    .contains("could not start: cannot listen on 127.0.0.1:" + port)
                    .doesNotContain("listening on");
        }
    }

    @Test
    void aServerWithAMalformedRegistryBudgetExitsNamingIt(@TempDir Path dir) throws Exception {
        ServerProcess.Exited exited = ServerProcess.runToExit(
                ServerProcess.freePort(),
                Duration.ofSeconds(60),
                "--data-dir",
                dir.toString(),
                "--simulated-instances",
                "0",
                "--registry-budget",
                "docker.io=lots");
        assertThat(exited.code()).as(exited.log()).isEqualTo(1);
        assertThat(exited.log())
                // the log quotes the message, escaping its quotes
                .contains("could not start: --registry-budget \\\"docker.io=lots\\\": request budget \\\"lots\\\" is "
                        + "not of the form N/PERIOD[,burst=B]")
                .doesNotContain("listening on");
    }

    @Test
    void anAgentTheServerRefusesToRegisterExitsWithTheReason(@TempDir Path dir) throws Exception {
        try (ServerProcess server = ServerProcess.start(
                        ServerProcess.freePort(),
                        "--data-dir",
                        dir.resolve("server").toString(),
                        "--simulated-instances",
                        "0");
                AgentProcess agent = AgentProcess.start(server.endpoint(), "no-such-cluster", dir.resolve("agent"))) {
            OptionalInt code = agent.awaitExit(Duration.ofSeconds(60));
            assertThat(code).as(agent.log()).hasValue(1);
            assertThat(agent.log())
                    .contains("agent could not start: register in cluster no-such-cluster")
                    .doesNotContain("\tat dev.ballast");
        }
    }
}
