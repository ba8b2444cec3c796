package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.cli.BallastServer;
import dev.ballast.image.Digest;
import dev.ballast.registry.RegistryAccess;
import dev.ballast.testing.Clients;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ScriptedServer.Reply;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Issue 9 item 7: the server contacts only registries its {@code --allowed-registries} permits, and never a
 * link-local or metadata address unless named. A refused image is a ClientException at RegisterTaskDefinition,
 * RunTask, CreateService and UpdateService naming the container, the image and the option, and the refused
 * registry (a real listener) receives nothing.
 */
class RegistryAccessIT {

    static BallastServer start(Path dir, RegistryAccess access) {
        return BallastServer.start(
                TestServer.defaults(dir).registry(r -> r.withAccess(access)).build());
    }

    static EcsClient client(BallastServer server) {
        return Clients.ecs(URI.create("http://127.0.0.1:" + server.port()), "test", "test");
    }

    static void register(EcsClient ecs, String family, String image, String consistency) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .versionConsistency(consistency)
                        .build()));
    }

    static String refusal(Runnable call) {
        ClientException[] caught = new ClientException[1];
        assertThatThrownBy(call::run).isInstanceOfSatisfying(ClientException.class, e -> caught[0] = e);
        return caught[0].awsErrorDetails().errorMessage();
    }

    @Test
    void metadata_address_is_refused_by_default_at_registration() throws Exception {
        try (BallastServer server = start(Files.createTempDirectory("ballast-access-"), RegistryAccess.any());
                EcsClient ecs = client(server)) {
            String image = "169.254.169.254/latest/meta-data:v1";
            assertThat(refusal(() -> register(ecs, "meta", image, "enabled")))
                    .isEqualTo("Invalid 'image' '" + image
                            + "' for container 'app': registry 169.254.169.254 is a link-local or cloud metadata address, which is "
                            + "refused unless --allowed-registries names it.");
            assertThat(refusal(() -> register(ecs, "meta6", "[fd00:ec2::254]/latest:v1", "disabled")))
                    .contains("registry [fd00:ec2::254] is a link-local");
            assertThat(ecs.listTaskDefinitionFamilies(r -> r.familyPrefix("meta"))
                            .families())
                    .isEmpty();
        }
    }

    @Test
    void a_refused_registry_receives_nothing_from_any_entry_point() throws Exception {
        Path dir = Files.createTempDirectory("ballast-access-");
        try (ScriptedServer refused = ScriptedServer.start(r -> Reply.of(200));
                RegistryFixture registry = RegistryFixture.start()) {
            Digest pushed = registry.images().push("demo/app:v1", TestImages.Format.OCI, "v1");
            String refusedImage = refused.host() + "/demo/app:v1";
            // Before the allow-list: a task definition and a service on the (then permitted) registry, with
            // versionConsistency disabled so that nothing is resolved.
            try (BallastServer server = start(dir, RegistryAccess.any());
                    EcsClient ecs = client(server)) {
                register(ecs, "earlier", refusedImage, "disabled");
                ecs.createService(
                        r -> r.serviceName("old").taskDefinition("earlier").desiredCount(0));
            }
            try (BallastServer server = start(dir, RegistryAccess.parse(registry.host() + ",ghcr.io"));
                    EcsClient ecs = client(server)) {
                String expected = "Invalid 'image' '" + refusedImage + "' for container 'app': registry "
                        + refused.host() + " is not in --allowed-registries.";
                assertThat(refusal(() -> register(ecs, "later", refusedImage, "enabled")))
                        .isEqualTo(expected);
                assertThat(refusal(() -> ecs.runTask(r -> r.taskDefinition("earlier"))))
                        .isEqualTo(expected);
                assertThat(refusal(() -> ecs.createService(r ->
                                r.serviceName("new").taskDefinition("earlier").desiredCount(1))))
                        .isEqualTo(expected);
                assertThat(refusal(() -> ecs.updateService(r -> r.service("old").forceNewDeployment(true))))
                        .isEqualTo(expected);
                register(ecs, "ok", registry.host() + "/demo/app:v1", "enabled");
                ecs.createService(r -> r.serviceName("svc").taskDefinition("ok").desiredCount(0));
                assertThat(refusal(() -> ecs.updateService(r -> r.service("svc").taskDefinition("earlier"))))
                        .isEqualTo(expected);
                assertThat(ecs.listServices(r -> r.cluster("default")).serviceArns())
                        .noneMatch(a -> a.endsWith("/new"));
                assertThat(EcsHelpers.service(ecs, "default", "old").deployments())
                        .hasSize(1);
                assertThat(EcsHelpers.service(ecs, "default", "svc").taskDefinition())
                        .endsWith("/ok:1");
                // The permitted registry is used as before.
                String arn = ecs.runTask(r -> r.taskDefinition("ok"))
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
            }
            assertThat(refused.received())
                    .as("requests that reached the refused registry")
                    .isEmpty();
        }
    }
}
