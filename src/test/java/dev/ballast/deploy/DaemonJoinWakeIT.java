package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.stable;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.agent.EmbeddedAgents;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.api.StoreControlPlane;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * A joining instance wakes its cluster's DAEMON services: with a periodic resync far beyond the test (one hour), the
 * service is brought to steady state by explicit passes, then an agent registers a new instance and its log router
 * task arrives with no pass and no API write in between — only the instance's change notification can have queued
 * the service.
 */
class DaemonJoinWakeIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aJoiningInstanceGetsItsDaemonTaskWithoutAResync() {
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server =
                        TestServer.sqlite(c -> c.simulatedInstances(1).reconcilePeriod(Duration.ofHours(1)));
                EcsClient ecs = server.client()) {
            registry.images().push("demo/log-router:latest", TestImages.Format.OCI, "log-router-wake");
            ecs.registerTaskDefinition(r -> r.family("log-router")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("log-router")
                            .image(registry.host() + "/demo/log-router:latest")
                            .memory(16)
                            .versionConsistency("disabled")
                            .build()));
            ecs.createService(
                    r -> r.serviceName("logs").taskDefinition("log-router").schedulingStrategy("DAEMON"));
            Eventually.await("steady on the one instance (driven by explicit passes)", WAIT, () -> {
                server.server().reconcilers().passOnce();
                return stable(ecs, "default", "logs");
            });

            RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
            try (EmbeddedAgents joiner = EmbeddedAgents.start(
                    EmbeddedAgents.Config.defaults(TestServer.ACCOUNT, "default", 1, "test")
                            .withNode("joiner"),
                    new StoreControlPlane(server.server().store(), TestServer.ACCOUNT, Clock.systemUTC()),
                    arn -> new SimulatedRuntime(arn, client),
                    new SimpleMeterRegistry(),
                    Clock.systemUTC())) {
                String joined = joiner.agents().getFirst().instanceArn();
                Eventually.await(
                        "a log router task assigned to the joining instance",
                        WAIT,
                        () -> tasks(ecs, "default", "logs", DesiredStatus.RUNNING).stream()
                                .map(Task::containerInstanceArn)
                                .anyMatch(joined::equals));
                assertThat(tasks(ecs, "default", "logs", DesiredStatus.RUNNING))
                        .as("one per instance")
                        .hasSize(2)
                        .extracting(Task::containerInstanceArn)
                        .doesNotHaveDuplicates();
            }
        }
    }
}
