package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.RuntimeChoice;
import dev.ballast.image.Digest;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * End to end on a real engine: the server's embedded agent on Podman's Docker-compatible API runs a
 * service of 2 tasks of a busybox image pinned by digest as 2 real containers.
 */
class DockerServiceIT {

    @Test
    void serviceOfTwoPinnedTasksRunsTwoRealContainers() {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host())) {
            Digest digest = registry.images().pushRunnable("demo/busy:v1", TestImages.Format.DOCKER, "busy-v1");
            try (TestServer server = TestServer.sqlite(
                            c -> c.runtime(RuntimeChoice.DOCKER).dockerHost(podman.dockerHost()));
                    EcsClient ecs = server.client()) {
                String image = registry.host() + "/demo/busy:v1";
                ecs.registerTaskDefinition(r -> r.family("busy")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(image)
                                .memory(32)
                                .versionConsistency("enabled")
                                .stopTimeout(2)
                                .build()));
                ecs.createService(
                        r -> r.serviceName("busy").taskDefinition("busy").desiredCount(2));
                Eventually.await("2 tasks running", Duration.ofSeconds(90), () -> {
                    var s = ecs.describeServices(r -> r.services("busy"))
                            .services()
                            .get(0);
                    return s.runningCount() == 2 && s.deployments().size() == 1;
                });
                List<String> arns = ecs.listTasks(r -> r.serviceName("busy")).taskArns();
                List<Task> tasks = ecs.describeTasks(r -> r.tasks(arns)).tasks();
                assertThat(tasks).hasSize(2).allSatisfy(t -> {
                    assertThat(t.containers().get(0).imageDigest()).isEqualTo(digest.toString());
                    assertThat(t.containers().get(0).image()).isEqualTo(image);
                    assertThat(t.containers().get(0).runtimeId()).isNotBlank();
                });
                for (Task t : tasks) {
                    String id = t.containers().get(0).runtimeId();
                    assertThat(podman.podman("inspect", "--format", "{{.ImageName}}", id)
                                    .trim())
                            .as("the engine runs the digest reference")
                            .contains(digest.toString());
                    Eventually.await(
                            "container output in its logs",
                            Duration.ofSeconds(20),
                            () -> podman.podman("logs", id).contains("busy-v1"));
                }
                assertThat(podman.podman("ps", "--format", "{{.ID}}")
                                .lines()
                                .filter(l -> !l.isBlank())
                                .count())
                        .as("exactly the service's containers run")
                        .isEqualTo(2);
                ecs.updateService(r -> r.service("busy").desiredCount(0));
                Eventually.await(
                        "containers stopped",
                        Duration.ofSeconds(60),
                        () -> podman.podman("ps", "--format", "{{.ID}}").isBlank());
            }
        }
    }
}
