package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;

/**
 * Host ports are placement resources (issue 9, item 15), on one simulated container instance of the server's
 * default cluster pulling from the CNCF registry, driven by the AWS SDK: a fixed host port is taken until its
 * task stops, a second task asking for it is not placed ({@code RESOURCE:PORTS}, also in the service event),
 * the ECS agent's reserved ports are taken from the start, and dynamic host ports never conflict.
 * Each test uses its own ports, so the tests share the instance without seeing each other.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostPortPlacementIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private String image;
    private String instanceArn;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/ports:v1", TestImages.Format.OCI, "ports-1");
        image = registry.host() + "/demo/ports:v1";
        server = TestServer.sqlite(c -> c.simulatedInstances(1));
        ecs = server.client();
        instanceArn = ecs.listContainerInstances(r -> r.cluster("default"))
                .containerInstanceArns()
                .getFirst();
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    private void register(String family, NetworkMode mode, PortMapping... ports) {
        ecs.registerTaskDefinition(r -> r.family(family)
                .networkMode(mode)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(image)
                        .memory(16)
                        .portMappings(ports)
                        .build()));
    }

    private static PortMapping port(int container, Integer host) {
        return PortMapping.builder().containerPort(container).hostPort(host).build();
    }

    private ContainerInstance instance() {
        return ecs.describeContainerInstances(r -> r.cluster("default").containerInstances(instanceArn))
                .containerInstances()
                .getFirst();
    }

    private static List<String> ports(List<Resource> resources, String name) {
        return resources.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow()
                .stringSetValue();
    }

    @Test
    void aFixedHostPortIsTakenUntilItsTaskStops() {
        register(
                "fixed",
                NetworkMode.BRIDGE,
                port(80, 18080),
                PortMapping.builder()
                        .containerPort(53)
                        .hostPort(15353)
                        .protocol(TransportProtocol.UDP)
                        .build());
        assertThat(ports(instance().registeredResources(), "PORTS"))
                .containsExactlyInAnyOrder("22", "2375", "2376", "51678", "51679");

        RunTaskResponse first = ecs.runTask(r -> r.taskDefinition("fixed"));
        assertThat(first.tasks()).hasSize(1);
        assertThat(first.failures()).isEmpty();
        ContainerInstance busy = instance();
        assertThat(ports(busy.remainingResources(), "PORTS")).contains("18080", "22", "51679");
        assertThat(ports(busy.remainingResources(), "PORTS_UDP")).contains("15353");
        assertThat(ports(busy.registeredResources(), "PORTS")).doesNotContain("18080");

        RunTaskResponse second = ecs.runTask(r -> r.taskDefinition("fixed"));
        assertThat(second.tasks()).isEmpty();
        assertThat(second.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("RESOURCE:PORTS"));
        RunTaskResponse two = ecs.runTask(r -> r.taskDefinition("fixed").count(2));
        assertThat(two.tasks()).isEmpty();

        String arn = first.tasks().getFirst().taskArn();
        ecs.stopTask(r -> r.task(arn));
        EcsTasks.await(ecs, "task STOPPED", arn, WAIT, t -> t.lastStatus().equals("STOPPED"));
        assertThat(ports(instance().remainingResources(), "PORTS")).doesNotContain("18080");
        RunTaskResponse again = ecs.runTask(r -> r.taskDefinition("fixed"));
        assertThat(again.tasks()).hasSize(1);
        ecs.stopTask(r -> r.task(again.tasks().getFirst().taskArn()));
    }

    @Test
    void theAgentsReservedPortsAreNotGivenToTasks() {
        register("ssh", NetworkMode.BRIDGE, port(22, 22));
        RunTaskResponse refused = ecs.runTask(r -> r.taskDefinition("ssh"));
        assertThat(refused.tasks()).isEmpty();
        assertThat(refused.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("RESOURCE:PORTS"));
    }

    @Test
    void dynamicHostPortsNeverConflict() {
        register("dynamic", NetworkMode.BRIDGE, port(80, 0), port(81, null));
        List<String> before = ports(instance().remainingResources(), "PORTS");
        RunTaskResponse run = ecs.runTask(r -> r.taskDefinition("dynamic").count(3));
        assertThat(run.tasks()).hasSize(3);
        assertThat(run.failures()).isEmpty();
        // no port is added (tasks of the other tests may stop meanwhile and free theirs)
        assertThat(ports(instance().remainingResources(), "PORTS"))
                .isSubsetOf(before)
                .contains("22", "2375", "2376", "51678", "51679");
        run.tasks().forEach(t -> ecs.stopTask(r -> r.task(t.taskArn())));
    }

    @Test
    void hostModeTakesTheContainerPort() {
        register("hostmode", NetworkMode.HOST, port(17070, null));
        RunTaskResponse first = ecs.runTask(r -> r.taskDefinition("hostmode"));
        assertThat(first.tasks()).hasSize(1);
        assertThat(ports(instance().remainingResources(), "PORTS")).contains("17070");
        assertThat(ecs.runTask(r -> r.taskDefinition("hostmode")).failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("RESOURCE:PORTS"));
        ecs.stopTask(r -> r.task(first.tasks().getFirst().taskArn()));
    }

    @Test
    void anAgentsRegisteredPortsReplaceTheDefaultReservation() {
        ecs.createCluster(c -> c.clusterName("own-ports"));
        ContainerInstance registered = ecs.registerContainerInstance(r -> r.cluster("own-ports")
                        .totalResources(
                                Resource.builder()
                                        .name("MEMORY")
                                        .type("INTEGER")
                                        .integerValue(1024)
                                        .build(),
                                Resource.builder()
                                        .name("PORTS")
                                        .type("STRINGSET")
                                        .stringSetValue("18000")
                                        .build(),
                                Resource.builder()
                                        .name("PORTS_UDP")
                                        .type("STRINGSET")
                                        .stringSetValue("15353")
                                        .build()))
                .containerInstance();
        assertThat(ports(registered.registeredResources(), "PORTS")).containsExactly("18000");
        assertThat(ports(registered.registeredResources(), "PORTS_UDP")).containsExactly("15353");
        register("takes-18000", NetworkMode.BRIDGE, port(80, 18000));
        register("takes-22", NetworkMode.BRIDGE, port(22, 22));
        assertThat(ecs.runTask(r -> r.cluster("own-ports").taskDefinition("takes-18000"))
                        .failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("RESOURCE:PORTS"));
        assertThat(ecs.runTask(r -> r.cluster("own-ports").taskDefinition("takes-22"))
                        .tasks())
                .hasSize(1);
        assertThat(ports(
                        ecs.describeContainerInstances(r ->
                                        r.cluster("own-ports").containerInstances(registered.containerInstanceArn()))
                                .containerInstances()
                                .getFirst()
                                .remainingResources(),
                        "PORTS"))
                .containsExactlyInAnyOrder("18000", "22");
        assertThatThrownBy(() -> ecs.registerContainerInstance(r -> r.cluster("own-ports")
                        .totalResources(Resource.builder()
                                .name("PORTS")
                                .type("STRINGSET")
                                .stringSetValue("ssh")
                                .build())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("PORTS");
    }

    @Test
    void aServiceOfTwoWithAFixedHostPortPlacesOneOnOneInstanceAndSaysWhy() {
        register("web", NetworkMode.BRIDGE, port(80, 19090));
        ecs.createService(r -> r.serviceName("web").taskDefinition("web").desiredCount(2));
        Eventually.await(
                "the service reports the ports reason",
                WAIT,
                () -> service(ecs, "default", "web").events().stream()
                        .anyMatch(e -> e.message()
                                        .contains(
                                                "unable to place a task because no container instance met all of its requirements")
                                && e.message().contains("RESOURCE:PORTS")));
        Eventually.await(
                "one task RUNNING", WAIT, () -> service(ecs, "default", "web").runningCount() == 1);
        List<Task> live = tasks(ecs, "default", "web", DesiredStatus.RUNNING);
        assertThat(live)
                .singleElement()
                .satisfies(t -> assertThat(t.containerInstanceArn()).isEqualTo(instanceArn));
        ecs.updateService(r -> r.service("web").desiredCount(0));
    }
}
