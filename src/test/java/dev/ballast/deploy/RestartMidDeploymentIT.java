package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.stable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;

/** A server restarted mid-deployment continues the deployment from the store and launches no task twice. */
class RestartMidDeploymentIT {

    @Test
    void deploymentContinuesAfterRestartWithoutDuplicateTasks() throws Exception {
        try (RegistryFixture registry = RegistryFixture.start()) {
            Digest d = registry.images().push("demo/restart:v1", TestImages.Format.OCI, "restart-1");
            AtomicBoolean hold = new AtomicBoolean(true);
            // Hold the agents' manifest fetches so the deployment is mid-way when the server stops.
            try (ScriptedServer gate = ScriptedServer.start(new ForwardingScript(
                    registry.baseUri(),
                    q -> q.method().equals("GET") && ForwardingScript.isManifest(q),
                    () -> !hold.get()))) {
                TestServer server = TestServer.sqlite(c -> c.simulatedInstances(3));
                try {
                    String image = gate.host() + "/demo/restart:v1";
                    try (EcsClient ecs = server.client()) {
                        ecs.registerTaskDefinition(r -> r.family("restart")
                                .containerDefinitions(ContainerDefinition.builder()
                                        .name("app")
                                        .image(image)
                                        .memory(16)
                                        .build()));
                        ecs.createService(r -> r.serviceName("restart")
                                .taskDefinition("restart")
                                .desiredCount(6));
                        Eventually.await(
                                "6 tasks created",
                                Duration.ofSeconds(30),
                                () -> ecs.listTasks(r -> r.serviceName("restart"))
                                                .taskArns()
                                                .size()
                                        == 6);
                        assertThat(EcsHelpers.service(ecs, "default", "restart").runningCount())
                                .as("held mid-deployment")
                                .isZero();
                    }
                    server = server.restart();
                    hold.set(false);
                    try (EcsClient ecs = server.client()) {
                        Eventually.await(
                                "deployment completes after the restart",
                                Duration.ofSeconds(60),
                                () -> stable(ecs, "default", "restart"));
                        List<String> running =
                                ecs.listTasks(r -> r.serviceName("restart")).taskArns();
                        List<String> stopped = ecs.listTasks(
                                        r -> r.serviceName("restart").desiredStatus(DesiredStatus.STOPPED))
                                .taskArns();
                        assertThat(running).hasSize(6);
                        assertThat(stopped)
                                .as("no task was launched twice or replaced")
                                .isEmpty();
                        assertThat(ecs.describeTasks(r -> r.tasks(running)).tasks())
                                .allSatisfy(t -> assertThat(
                                                EcsHelpers.container(t, "app").imageDigest())
                                        .isEqualTo(d.toString()));
                    }
                } finally {
                    server.close();
                }
            }
        }
    }
}
