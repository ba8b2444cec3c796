package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.stable;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Deployment;
import software.amazon.awssdk.services.ecs.model.ServiceEvent;

/**
 * What a deployment and its service say as they go, through the AWS SDK: a {@code rolloutStateReason} that names
 * the deployment and mentions the circuit breaker only when it is on, and a steady-state event after every
 * scale-out and scale-in that settles, once per settled state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeploymentStatesIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String STEADY = "(service %s) has reached a steady state.";
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private String image;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/states:v1", TestImages.Format.OCI, "states-1");
        image = registry.host() + "/demo/states:v1";
        server = TestServer.sqlite(c -> c.simulatedInstances(2));
        ecs = server.client();
        ecs.registerTaskDefinition(r -> r.family("states")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .build()));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void theReasonNamesTheDeploymentInProgressAndCompleted() {
        ecs.createCluster(r -> r.clusterName("no-instances"));
        ecs.createService(r -> r.cluster("no-instances")
                .serviceName("waiting")
                .taskDefinition("states")
                .desiredCount(1));
        Eventually.await(
                "resolved, waiting for an instance",
                WAIT,
                () -> service(ecs, "no-instances", "waiting").events().stream()
                        .anyMatch(e -> e.message().contains("unable to place a task")));
        for (int i = 0; i < 5; i++) {
            server.server().reconcilers().passOnce();
        }
        assertThat(service(ecs, "no-instances", "waiting").events())
                .filteredOn(e -> e.message().contains("unable to place"))
                .as("retried on every pass, said in one line")
                .singleElement()
                .extracting(ServiceEvent::message)
                .isEqualTo("(service waiting) was unable to place a task because no container instance met all of its "
                        + "requirements. Reason: No Container Instances were found in your cluster.");
        Deployment waiting =
                service(ecs, "no-instances", "waiting").deployments().getFirst();
        assertThat(waiting.rolloutStateReason()).isEqualTo("ECS deployment " + waiting.id() + " in progress.");

        ecs.createService(r -> r.serviceName("done").taskDefinition("states").desiredCount(1));
        Eventually.await("done stable", WAIT, () -> stable(ecs, "default", "done"));
        Deployment done = service(ecs, "default", "done").deployments().getFirst();
        assertThat(done.rolloutStateReason()).isEqualTo("ECS deployment " + done.id() + " completed.");
    }

    @Test
    void aFailureWithTheCircuitBreakerOffDoesNotMentionIt() {
        int port = RegistryFixture.freePort();
        ecs.registerTaskDefinition(r -> r.family("strict-off")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:" + port + "/demo/none:v1")
                        .memory(16)
                        .versionConsistency("enabled")
                        .build()));
        ecs.createService(
                r -> r.serviceName("strict-off").taskDefinition("strict-off").desiredCount(1));
        Eventually.await(
                "deployment failed",
                WAIT,
                () -> "FAILED"
                        .equals(service(ecs, "default", "strict-off")
                                .deployments()
                                .getFirst()
                                .rolloutStateAsString()));
        Deployment failed = service(ecs, "default", "strict-off").deployments().getFirst();
        assertThat(failed.rolloutStateReason())
                .startsWith("ECS deployment " + failed.id() + " failed: ")
                .doesNotContainIgnoringCase("circuit breaker")
                .endsWith(".");
    }

    @Test
    void everyScaleOutAndScaleInThatSettlesSaysSteadyStateOnce() {
        ecs.createService(r -> r.serviceName("scaled").taskDefinition("states").desiredCount(1));
        Eventually.await("stable at 1", WAIT, () -> stable(ecs, "default", "scaled"));
        assertThat(newest("scaled").message()).isEqualTo(STEADY.formatted("scaled"));

        for (int desired : new int[] {3, 1}) {
            Instant before = newest("scaled").createdAt();
            ecs.updateService(r -> r.service("scaled").desiredCount(desired));
            Eventually.await(
                    "stable at " + desired + " and said so",
                    WAIT,
                    () -> stable(ecs, "default", "scaled")
                            && service(ecs, "default", "scaled").runningCount() == desired
                            && newest("scaled").message().equals(STEADY.formatted("scaled"))
                            && newest("scaled").createdAt().isAfter(before));
            ServiceEvent said = newest("scaled");
            for (int i = 0; i < 5; i++) {
                server.server().reconcilers().passOnce();
            }
            assertThat(newest("scaled")).as("said once, not on every pass").isEqualTo(said);
            assertThat(service(ecs, "default", "scaled").events())
                    .filteredOn(e -> e.message().equals(STEADY.formatted("scaled")))
                    .as("one line, moved to the top")
                    .hasSize(1);
        }
    }

    private ServiceEvent newest(String name) {
        return service(ecs, "default", name).events().getFirst();
    }
}
