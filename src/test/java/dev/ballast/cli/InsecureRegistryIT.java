package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.image.Digest;
import dev.ballast.testing.Clients;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Issue 9 items 19 and 7 through the command line: {@code ballast server --insecure-registry} makes the server speak
 * plain HTTP to a registry on a non-loopback address of this machine (a counting proxy bound there only, in front of a
 * real CNCF registry), logged as a warning; without the option the same image cannot be resolved (HTTPS);
 * {@code --allowed-registries} refuses the rest and an invalid pattern stops the server with a message.
 */
class InsecureRegistryIT {

    /** The first non-loopback IPv4 address of this machine; the test fails loudly when there is none. */
    static InetAddress nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(i -> {
                    try {
                        return i.isUp() && !i.isLoopback();
                    } catch (SocketException e) {
                        return false;
                    }
                })
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst()
                .orElseThrow(() -> new AssertionError("this machine has no non-loopback IPv4 address"));
    }

    static void register(EcsClient ecs, String family, String image) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .versionConsistency("enabled")
                        .build()));
    }

    @Test
    void plain_http_to_a_non_loopback_registry_only_when_marked_insecure() throws Exception {
        InetAddress address = nonLoopbackAddress();
        try (RegistryFixture registry = RegistryFixture.start();
                ScriptedServer proxy = ScriptedServer.startOn(address, new ForwardingScript(registry.baseUri()))) {
            Digest pushed = registry.images().push("demo/app:v1", TestImages.Format.OCI, "v1");
            String image = proxy.host() + "/demo/app:v1";
            assertThat(proxy.host()).startsWith(address.getHostAddress() + ":");

            try (ServerProcess server = ServerProcess.start(
                            ServerProcess.freePort(),
                            "--runtime",
                            "simulated",
                            "--data-dir",
                            Files.createTempDirectory("ballast-insecure-").toString(),
                            "--insecure-registry",
                            proxy.host(),
                            "--allowed-registries",
                            address.getHostAddress() + ":*");
                    EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
                assertThat(server.log())
                        .contains("WARN")
                        .contains("plain HTTP, no TLS, to registries " + proxy.host() + " (--insecure-registry)");
                register(ecs, "lan", image);
                String arn = ecs.runTask(r -> r.taskDefinition("lan"))
                        .tasks()
                        .getFirst()
                        .taskArn();
                assertThat(EcsTasks.await(
                                        ecs,
                                        "task running",
                                        arn,
                                        Duration.ofSeconds(30),
                                        t -> "RUNNING".equals(t.lastStatus()))
                                .containers()
                                .getFirst()
                                .imageDigest())
                        .isEqualTo(pushed.toString());
                assertThat(proxy.received()).isNotEmpty();
                // Everything else is refused by the allow-list, the metadata address by default.
                assertThatThrownBy(() -> register(ecs, "other", registry.host() + "/demo/app:v1"))
                        .isInstanceOf(ClientException.class)
                        .hasMessageContaining("is not in --allowed-registries");
            }

            int before = proxy.received().size();
            try (ServerProcess server = ServerProcess.start(
                            ServerProcess.freePort(),
                            "--runtime",
                            "simulated",
                            "--data-dir",
                            Files.createTempDirectory("ballast-insecure-").toString());
                    EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
                register(ecs, "lan", image);
                assertThatThrownBy(() -> ecs.runTask(r -> r.taskDefinition("lan")))
                        .isInstanceOf(ClientException.class)
                        .hasMessageContaining(proxy.host());
                assertThat(proxy.received().stream().skip(before))
                        .as("no plain-HTTP request without the option")
                        .isEmpty();
                assertThatThrownBy(() -> register(ecs, "meta", "169.254.169.254/latest:v1"))
                        .isInstanceOf(ClientException.class)
                        .hasMessageContaining("link-local or cloud metadata");
            }
        }
    }

    @Test
    void an_invalid_pattern_stops_the_server_with_a_message() {
        assertThatThrownBy(() -> ServerProcess.start(
                        ServerProcess.freePort(),
                        "--runtime",
                        "simulated",
                        "--data-dir",
                        Files.createTempDirectory("ballast-insecure-").toString(),
                        "--allowed-registries",
                        "ghcr.io/team"))
                .hasMessageContaining("server exited with 1")
                .hasMessageContaining("--allowed-registries: invalid registry pattern 'ghcr.io/team'");
    }
}
