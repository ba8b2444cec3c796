package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.stable;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * DAEMON services through the AWS SDK against a running server with simulated instances: a {@code versionConsistency:
 * disabled} log router runs exactly one task per instance next to a REPLICA service, a joining instance gets its
 * task, a new revision replaces it instance by instance, and a DRAINING instance loses it (after its REPLICA task)
 * with no replacement elsewhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DaemonServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private EmbeddedAgents joiner;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/log-router:latest", TestImages.Format.OCI, "log-router-1");
        registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        server = TestServer.sqlite(c -> c.simulatedInstances(2));
        ecs = server.client();
        for (String revision : new String[] {"one", "two"}) {
            ecs.registerTaskDefinition(r -> r.family("log-router")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("log-router")
                            .image(registry.host() + "/demo/log-router:latest")
                            .memory(16)
                            .versionConsistency("disabled")
                            .environment(e -> e.name("REVISION").value(revision))
                            .build()));
        }
        ecs.registerTaskDefinition(r -> r.family("web")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/demo/web:v1")
                        .memory(16)
                        .build()));
    }

    @AfterAll
    void stop() {
        if (joiner != null) {
            joiner.close();
        }
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void oneLogRouterPerInstanceThroughJoinRolloutAndDrain() {
        ecs.createService(r -> r.serviceName("web").taskDefinition("web").desiredCount(2));
        Eventually.await("web stable", WAIT, () -> stable(ecs, "default", "web"));
        Service created = ecs.createService(r ->
                        r.serviceName("logs").taskDefinition("log-router:1").schedulingStrategy("DAEMON"))
                .service();
        assertThat(created.schedulingStrategyAsString()).isEqualTo("DAEMON");
        assertThat(created.deploymentConfiguration().maximumPercent()).isEqualTo(100);
        assertThat(created.deploymentConfiguration().minimumHealthyPercent()).isZero();

        List<String> instances =
                ecs.listContainerInstances(r -> r.cluster("default")).containerInstanceArns();
        assertThat(instances).hasSize(2);
        Eventually.await("a log router on each of 2 instances", WAIT, () -> onEachOnce("logs", Set.copyOf(instances)));
        assertThat(service(ecs, "default", "logs").desiredCount()).isEqualTo(2);
        assertThat(running("logs"))
                .allSatisfy(t -> assertThat(t.containers().getFirst().image())
                        .as("a disabled container runs its tag as written")
                        .isEqualTo(registry.host() + "/demo/log-router:latest"));

        // a third instance joins: its agent registers, and the log router follows within a reconcile period
        RegistryClient client = new RegistryClient(RegistryConfig.defaults(), new SimpleMeterRegistry());
        joiner = EmbeddedAgents.start(
                EmbeddedAgents.Config.defaults(TestServer.ACCOUNT, "default", 1, "test")
                        .withNode("joiner"),
                new StoreControlPlane(server.server().store(), TestServer.ACCOUNT, Clock.systemUTC()),
                arn -> new SimulatedRuntime(arn, client),
                new SimpleMeterRegistry(),
                Clock.systemUTC());
        String joined = joiner.agents().getFirst().instanceArn();
        Set<String> three = Set.of(instances.get(0), instances.get(1), joined);
        Eventually.await("a log router on the joining instance too", WAIT, () -> onEachOnce("logs", three));
        Eventually.await("logs stable at 3", WAIT, () -> stable(ecs, "default", "logs"));
        assertThat(service(ecs, "default", "logs").desiredCount()).isEqualTo(3);
        assertThat(running("web"))
                .as("the REPLICA service is not starved or moved")
                .hasSize(2);

        // a new revision replaces the log router instance by instance
        Set<String> firstGeneration = arns(running("logs"));
        ecs.updateService(r -> r.service("logs")
                .taskDefinition("log-router:2")
                .deploymentConfiguration(c -> c.minimumHealthyPercent(50)));
        Eventually.await(
                "logs on revision 2 on each instance",
                WAIT,
                () -> stable(ecs, "default", "logs")
                        && onEachOnce("logs", three)
                        && running("logs").stream()
                                .allMatch(t -> t.taskDefinitionArn().endsWith("log-router:2")));
        assertThat(arns(running("logs"))).doesNotContainAnyElementsOf(firstGeneration);
        assertThat(tasks(ecs, "default", "logs", DesiredStatus.STOPPED))
                .filteredOn(t -> firstGeneration.contains(t.taskArn()))
                .hasSize(3)
                .allSatisfy(t -> assertThat(t.stoppedReason()).startsWith("Scaling activity initiated by (deployment"));

        // draining an instance that runs a web task: web moves off it first, then the log router stops, not replaced
        Task webOnDrained = running("web").getFirst();
        String drained = webOnDrained.containerInstanceArn();
        Task logsOnDrained = running("logs").stream()
                .filter(t -> t.containerInstanceArn().equals(drained))
                .findFirst()
                .orElseThrow();
        Set<String> beforeDrain = arns(running("logs"));
        ecs.updateContainerInstancesState(
                r -> r.cluster("default").status("DRAINING").containerInstances(drained));
        Set<String> remaining = three.stream().filter(i -> !i.equals(drained)).collect(Collectors.toSet());
        Eventually.await(
                "the drained instance has no task left",
                WAIT,
                () -> onEachOnce("logs", remaining)
                        && stable(ecs, "default", "logs")
                        && stable(ecs, "default", "web")
                        && running("web").stream()
                                .noneMatch(t -> t.containerInstanceArn().equals(drained)));
        assertThat(service(ecs, "default", "logs").desiredCount()).isEqualTo(2);
        assertThat(beforeDrain).as("no replacement landed elsewhere").containsAll(arns(running("logs")));
        Task webStopped = describe(webOnDrained.taskArn());
        Task logsStopped = describe(logsOnDrained.taskArn());
        assertThat(logsStopped.stoppedReason()).isEqualTo(ServiceController.DRAINING_REASON);
        assertThat(logsStopped.stoppingAt())
                .as("the daemon task is told to stop only after the instance's REPLICA task stopped")
                .isAfterOrEqualTo(webStopped.stoppedAt());
    }

    @Test
    void refusalsNameTheirInputAndWriteNothing() {
        refused(
                () -> ecs.createService(r -> r.serviceName("bad")
                        .taskDefinition("log-router:1")
                        .schedulingStrategy("DAEMON")
                        .desiredCount(1)),
                "does not support a desired count");
        refused(
                () -> ecs.createService(r -> r.serviceName("bad")
                        .taskDefinition("log-router:1")
                        .schedulingStrategy("DAEMON")
                        .placementStrategy(p -> p.type("spread").field("instanceId"))),
                "does not support placement strategies");
        refused(
                () -> ecs.createService(r -> r.serviceName("bad")
                        .taskDefinition("log-router:1")
                        .schedulingStrategy("DAEMON")
                        .launchType("FARGATE")),
                "does not support the FARGATE launch type");
        refused(
                () -> ecs.createService(r -> r.serviceName("bad")
                        .taskDefinition("log-router:1")
                        .schedulingStrategy("DAEMON")
                        .capacityProviderStrategy(c -> c.capacityProvider("FARGATE"))),
                "capacity provider strategy");
        refused(
                () -> ecs.createService(r -> r.serviceName("bad")
                        .taskDefinition("log-router:1")
                        .schedulingStrategy("DAEMON")
                        .deploymentConfiguration(c -> c.maximumPercent(200))),
                "above 100 for maximumPercent");
        refused(
                () -> ecs.createService(
                        r -> r.serviceName("bad").taskDefinition("log-router:1").schedulingStrategy("EVERYWHERE")),
                "'EVERYWHERE' for 'schedulingStrategy'");
        assertThat(ecs.describeServices(r -> r.services("bad")).services())
                .as("nothing written")
                .isEmpty();

        ecs.createCluster(r -> r.clusterName("daemon-rules"));
        ecs.createService(r -> r.cluster("daemon-rules")
                .serviceName("agent")
                .taskDefinition("log-router:1")
                .schedulingStrategy("DAEMON"));
        ecs.createService(r -> r.cluster("daemon-rules")
                .serviceName("replica")
                .taskDefinition("web")
                .desiredCount(0));
        refused(
                () -> ecs.updateService(
                        r -> r.cluster("daemon-rules").service("agent").desiredCount(3)),
                "does not support a desired count");
        refused(
                () -> ecs.updateService(
                        r -> r.cluster("daemon-rules").service("agent").placementStrategy(p -> p.type("random"))),
                "does not support placement strategies");
        refused(
                () -> ecs.updateService(r -> r.cluster("daemon-rules")
                        .service("agent")
                        .taskDefinition("log-router:2")
                        .deploymentConfiguration(c -> c.maximumPercent(150))),
                "above 100 for maximumPercent");
        Service agent = service(ecs, "daemon-rules", "agent");
        assertThat(agent.taskDefinition()).as("nothing written").endsWith("log-router:1");
        assertThat(agent.deployments()).hasSize(1);
        assertThat(agent.desiredCount()).as("no instance in this cluster").isZero();
        assertThat(ecs.listServices(r -> r.cluster("daemon-rules").schedulingStrategy("DAEMON"))
                        .serviceArns())
                .singleElement()
                .satisfies(a -> assertThat(a).endsWith("/agent"));
        assertThat(ecs.listServices(r -> r.cluster("daemon-rules").schedulingStrategy("REPLICA"))
                        .serviceArns())
                .singleElement()
                .satisfies(a -> assertThat(a).endsWith("/replica"));
        assertThat(ecs.deleteService(r -> r.cluster("daemon-rules").service("agent"))
                        .service()
                        .status())
                .as("a DAEMON service is deleted without force")
                .isEqualTo("DRAINING");
    }

    private static void refused(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(InvalidParameterException.class).hasMessageContaining(message);
    }

    /** Exactly one live, wanted-RUNNING task of {@code name} on each of {@code instances}, and none elsewhere. */
    private boolean onEachOnce(String name, Set<String> instances) {
        List<Task> running = running(name);
        List<String> on = running.stream().map(Task::containerInstanceArn).toList();
        return on.size() == instances.size()
                && Set.copyOf(on).equals(instances)
                && running.stream().allMatch(t -> "RUNNING".equals(t.lastStatus()));
    }

    private List<Task> running(String name) {
        return tasks(ecs, "default", name, DesiredStatus.RUNNING);
    }

    private Task describe(String arn) {
        return ecs.describeTasks(r -> r.tasks(arn)).tasks().getFirst();
    }

    private static Set<String> arns(List<Task> tasks) {
        return tasks.stream().map(Task::taskArn).collect(Collectors.toSet());
    }
}
