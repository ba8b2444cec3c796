package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.RawClient;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerStateChange;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The container instance operations and the agent's state-change operations through the AWS SDK, against
 * an in-process server with no embedded agents (so nothing moves the tasks but the test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerInstanceApiTest {
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        ecs = server.client();
        ecs.createCluster(c -> c.clusterName("hosts"));
        ecs.registerTaskDefinition(r -> r.family("small")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/small:v1")
                        .memory(256)
                        .cpu(128)
                        .versionConsistency("disabled")
                        .build()));
        ecs.registerTaskDefinition(r -> r.family("huge")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/huge:v1")
                        .memory(100_000)
                        .versionConsistency("disabled")
                        .build()));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
    }

    private ContainerInstance register(String cluster, int cpu, int memory) {
        return ecs.registerContainerInstance(r -> r.cluster(cluster)
                        .totalResources(
                                Resource.builder()
                                        .name("CPU")
                                        .type("INTEGER")
                                        .integerValue(cpu)
                                        .build(),
                                Resource.builder()
                                        .name("MEMORY")
                                        .type("INTEGER")
                                        .integerValue(memory)
                                        .build())
                        .versionInfo(v -> v.agentVersion("ballast-test"))
                        .attributes(Attribute.builder()
                                .name("ballast.runtime")
                                .value("simulated")
                                .build()))
                .containerInstance();
    }

    private static int resource(List<Resource> resources, String name) {
        return resources.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow()
                .integerValue();
    }

    @Test
    void registerDescribeListAndReRegister() {
        ecs.createCluster(c -> c.clusterName("listing"));
        ContainerInstance first = register("listing", 1024, 2048);
        assertThat(first.containerInstanceArn())
                .matches("arn:aws:ecs:us-east-1:123456789012:container-instance/listing/[0-9a-f]{32}");
        assertThat(first.status()).isEqualTo("ACTIVE");
        assertThat(first.agentConnected()).isTrue();
        assertThat(first.versionInfo().agentVersion()).isEqualTo("ballast-test");
        assertThat(resource(first.registeredResources(), "MEMORY")).isEqualTo(2048);
        assertThat(first.attributes())
                .contains(Attribute.builder()
                        .name("ballast.runtime")
                        .value("simulated")
                        .build());
        for (int i = 0; i < 4; i++) {
            register("listing", 512, 512);
        }
        List<String> all = ecs
                .listContainerInstancesPaginator(r -> r.cluster("listing").maxResults(2))
                .containerInstanceArns()
                .stream()
                .toList();
        assertThat(all).hasSize(5).doesNotHaveDuplicates().contains(first.containerInstanceArn());

        String missing = first.containerInstanceArn().replaceAll("[0-9a-f]{32}$", "0".repeat(32));
        var described = ecs.describeContainerInstances(
                r -> r.cluster("listing").containerInstances(first.containerInstanceArn(), missing));
        assertThat(described.containerInstances()).singleElement().satisfies(ci -> {
            assertThat(ci.runningTasksCount()).isZero();
            assertThat(ci.pendingTasksCount()).isZero();
            assertThat(ci.registeredAt()).isNotNull();
        });
        assertThat(described.failures()).singleElement().satisfies(f -> {
            assertThat(f.arn()).isEqualTo(missing);
            assertThat(f.reason()).isEqualTo("MISSING");
        });

        // re-registration (an agent restarting) keeps the ARN and takes the new resources
        ContainerInstance again = ecs.registerContainerInstance(r -> r.cluster("listing")
                        .containerInstanceArn(first.containerInstanceArn())
                        .totalResources(Resource.builder()
                                .name("MEMORY")
                                .type("INTEGER")
                                .integerValue(3072)
                                .build()))
                .containerInstance();
        assertThat(again.containerInstanceArn()).isEqualTo(first.containerInstanceArn());
        assertThat(resource(again.registeredResources(), "MEMORY")).isEqualTo(3072);
        assertThat(ecs.listContainerInstances(r -> r.cluster("listing")).containerInstanceArns())
                .hasSize(5);

        // DRAINING, filtered listing, and the modeled errors
        var updated = ecs.updateContainerInstancesState(
                r -> r.cluster("listing").status("DRAINING").containerInstances(first.containerInstanceArn(), missing));
        assertThat(updated.containerInstances())
                .singleElement()
                .satisfies(ci -> assertThat(ci.status()).isEqualTo("DRAINING"));
        assertThat(updated.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
        assertThat(ecs.listContainerInstances(r -> r.cluster("listing").status("DRAINING"))
                        .containerInstanceArns())
                .containsExactly(first.containerInstanceArn());
        assertThatThrownBy(() -> ecs.updateContainerInstancesState(r ->
                        r.cluster("listing").status("REGISTERING").containerInstances(first.containerInstanceArn())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("ACTIVE or DRAINING");
        assertThatThrownBy(() -> register("no-such-cluster", 1, 1)).isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.registerContainerInstance(r -> r.cluster("listing")
                        .totalResources(Resource.builder()
                                .name("MEMORY")
                                .type("INTEGER")
                                .integerValue(0)
                                .build())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("MEMORY");
        assertThatThrownBy(() -> ecs.describeContainerInstances(r -> r.cluster("listing")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void tasksUseResourcesAndDeregisterNeedsForce() {
        ecs.createCluster(c -> c.clusterName("dereg"));
        ContainerInstance host = register("dereg", 1024, 1024);
        var run = ecs.runTask(r -> r.cluster("dereg").taskDefinition("small").count(3));
        assertThat(run.tasks()).hasSize(3);
        ContainerInstance seen = ecs.describeContainerInstances(
                        r -> r.cluster("dereg").containerInstances(host.containerInstanceArn()))
                .containerInstances()
                .get(0);
        assertThat(resource(seen.remainingResources(), "MEMORY")).isEqualTo(1024 - 3 * 256);
        assertThat(resource(seen.remainingResources(), "CPU")).isEqualTo(1024 - 3 * 128);
        assertThat(seen.pendingTasksCount()).isEqualTo(3);

        // placement failure: no instance has the memory; the reason is ECS's
        var failed = ecs.runTask(r -> r.cluster("dereg").taskDefinition("small").count(2));
        assertThat(failed.tasks()).hasSize(1);
        assertThat(failed.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("RESOURCE:MEMORY"));

        assertThatThrownBy(() -> ecs.deregisterContainerInstance(
                        r -> r.cluster("dereg").containerInstance(host.containerInstanceArn())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("running tasks");
        ContainerInstance gone = ecs.deregisterContainerInstance(r -> r.cluster("dereg")
                        .containerInstance(host.containerInstanceArn())
                        .force(true))
                .containerInstance();
        assertThat(gone.status()).isEqualTo("INACTIVE");
        List<Task> tasks = ecs.describeTasks(r -> r.cluster("dereg")
                        .tasks(run.tasks().stream().map(Task::taskArn).toList()))
                .tasks();
        assertThat(tasks).hasSize(3).allSatisfy(t -> {
            assertThat(t.lastStatus()).isEqualTo("STOPPED");
            assertThat(t.stoppedReason()).contains("deregistered");
        });
        assertThat(ecs.listContainerInstances(r -> r.cluster("dereg")).containerInstanceArns())
                .isEmpty();
    }

    @Test
    void stateChangesComeOnlyFromTheTasksAgent() {
        ecs.createCluster(c -> c.clusterName("reports"));
        ContainerInstance host = register("reports", 1024, 1024);
        ContainerInstance other = register("reports", 1024, 1024);
        ecs.updateContainerInstancesState(
                r -> r.cluster("reports").status("DRAINING").containerInstances(other.containerInstanceArn()));
        Task task = ecs.runTask(r -> r.cluster("reports").taskDefinition("small"))
                .tasks()
                .get(0);
        assertThat(task.containerInstanceArn()).isEqualTo(host.containerInstanceArn());
        String digest = "sha256:" + "a".repeat(64);

        assertThatThrownBy(() -> ecs.submitTaskStateChange(
                        r -> r.cluster("reports").task(task.taskArn()).status("RUNNING")))
                .isInstanceOf(AccessDeniedException.class);
        assertThatThrownBy(() -> ecs.submitTaskStateChange(r -> r.cluster("reports")
                        .task(task.taskArn())
                        .status("RUNNING")
                        .overrideConfiguration(as(other))))
                .isInstanceOf(AccessDeniedException.class)
                .hasMessageContaining("is not on container instance");

        ecs.submitTaskStateChange(r -> r.cluster("reports")
                .task(task.taskArn())
                .status("RUNNING")
                .containers(ContainerStateChange.builder()
                        .containerName("app")
                        .status("RUNNING")
                        .imageDigest(digest)
                        .runtimeId("r-1")
                        .build())
                .overrideConfiguration(as(host)));
        Task running = ecs.describeTasks(r -> r.cluster("reports").tasks(task.taskArn()))
                .tasks()
                .get(0);
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.startedAt()).isNotNull();
        assertThat(running.containers()).singleElement().satisfies(c -> {
            assertThat(c.imageDigest()).isEqualTo(digest);
            assertThat(c.runtimeId()).isEqualTo("r-1");
            assertThat(c.lastStatus()).isEqualTo("RUNNING");
        });
        assertThatThrownBy(() -> ecs.submitTaskStateChange(r -> r.cluster("reports")
                        .task(task.taskArn())
                        .status("PENDING")
                        .overrideConfiguration(as(host))))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("back to PENDING");

        ecs.submitContainerStateChange(r -> r.cluster("reports")
                .task(task.taskArn())
                .containerName("app")
                .status("STOPPED")
                .exitCode(3)
                .reason("exited")
                .overrideConfiguration(as(host)));
        ecs.submitTaskStateChange(r -> r.cluster("reports")
                .task(task.taskArn())
                .status("STOPPED")
                .reason("Essential container in task exited")
                .overrideConfiguration(as(host)));
        Task stopped = ecs.describeTasks(r -> r.cluster("reports").tasks(task.taskArn()))
                .tasks()
                .get(0);
        assertThat(stopped.lastStatus()).isEqualTo("STOPPED");
        assertThat(stopped.stopCodeAsString()).isEqualTo("EssentialContainerExited");
        assertThat(stopped.containers().get(0).exitCode()).isEqualTo(3);
        assertThatThrownBy(() -> ecs.submitTaskStateChange(r -> r.cluster("reports")
                        .task(task.taskArn())
                        .status("RUNNING")
                        .overrideConfiguration(as(host))))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("already STOPPED");
    }

    @Test
    void anAgentReportsContainerHealthAsBallastsExtensionOfContainerStateChange() {
        ecs.createCluster(c -> c.clusterName("health"));
        ContainerInstance host = register("health", 1024, 1024);
        Task task = ecs.runTask(r -> r.cluster("health").taskDefinition("small"))
                .tasks()
                .get(0);
        assertThat(task.healthStatusAsString()).isEqualTo("UNKNOWN");
        RawClient raw = RawClient.forServer(server);
        String body =
                "{\"cluster\":\"health\",\"task\":\"" + task.taskArn() + "\",\"status\":\"RUNNING\",\"containers\":"
                        + "[{\"containerName\":\"app\",\"status\":\"RUNNING\",\"runtimeId\":\"r-1\",\"healthStatus\":\"%s\"}]}";
        var refused = raw.request(body.formatted("GREEN"))
                .operation("SubmitTaskStateChange")
                .header(Operation.INSTANCE_HEADER, host.containerInstanceArn())
                .send();
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.text()).contains("healthStatus");
        var accepted = raw.request(body.formatted("UNHEALTHY"))
                .operation("SubmitTaskStateChange")
                .header(Operation.INSTANCE_HEADER, host.containerInstanceArn())
                .send();
        assertThat(accepted.status()).as(accepted.text()).isEqualTo(200);
        Task seen = ecs.describeTasks(r -> r.cluster("health").tasks(task.taskArn()))
                .tasks()
                .get(0);
        assertThat(seen.containers().get(0).healthStatusAsString()).isEqualTo("UNHEALTHY");
        assertThat(seen.healthStatusAsString()).isEqualTo("UNHEALTHY");
    }

    @Test
    void aReportWithoutStopCodeForAStartingTaskIsDecidedByStateNotByItsReason() {
        // ECS's own SubmitTaskStateChange has no stopCode (Ballast's agents send it as an extension member, see
        // RemoteStopCodesIT): the server never reads the reason's prose. A task stopped before RUNNING failed to
        // start, unless the report shows an essential container that ran and exited.
        ecs.createCluster(c -> c.clusterName("starting"));
        ContainerInstance host = register("starting", 1024, 1024);
        Task exited = ecs.runTask(r -> r.cluster("starting").taskDefinition("small"))
                .tasks()
                .get(0);
        Task blocked = ecs.runTask(r -> r.cluster("starting").taskDefinition("small"))
                .tasks()
                .get(0);
        for (Task t : List.of(exited, blocked)) {
            ecs.submitTaskStateChange(r ->
                    r.cluster("starting").task(t.taskArn()).status("PENDING").overrideConfiguration(as(host)));
        }
        // still PENDING (waiting on dependsOn) when the agent stops each on its own
        ecs.submitTaskStateChange(r -> r.cluster("starting")
                .task(exited.taskArn())
                .status("PENDING")
                .reason("Essential container in task exited")
                .overrideConfiguration(as(host)));
        ecs.submitTaskStateChange(r -> r.cluster("starting")
                .task(blocked.taskArn())
                .status("PENDING")
                .reason(
                        "DependencyConditionNotMet: container app depends on init (condition SUCCESS), which exited with code 1")
                .overrideConfiguration(as(host)));
        List<Task> tasks = ecs.describeTasks(r -> r.cluster("starting").tasks(exited.taskArn(), blocked.taskArn()))
                .tasks();
        Task first = tasks.stream()
                .filter(t -> t.taskArn().equals(exited.taskArn()))
                .findFirst()
                .orElseThrow();
        Task second = tasks.stream()
                .filter(t -> t.taskArn().equals(blocked.taskArn()))
                .findFirst()
                .orElseThrow();
        assertThat(first.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(first.stoppedReason()).isEqualTo("Essential container in task exited");
        assertThat(first.desiredStatus()).isEqualTo("STOPPED");
        assertThat(second.stopCodeAsString()).isEqualTo("TaskFailedToStart");
        assertThat(second.stoppedReason()).startsWith("DependencyConditionNotMet:");

        Task ran = ecs.runTask(r -> r.cluster("starting").taskDefinition("small"))
                .tasks()
                .get(0);
        ecs.submitTaskStateChange(r -> r.cluster("starting")
                .task(ran.taskArn())
                .status("PENDING")
                .reason("some words no rule reads")
                .containers(c -> c.containerName("app").status("STOPPED").exitCode(1))
                .overrideConfiguration(as(host)));
        Task third = ecs.describeTasks(r -> r.cluster("starting").tasks(ran.taskArn()))
                .tasks()
                .get(0);
        assertThat(third.stopCodeAsString()).isEqualTo("EssentialContainerExited");
    }

    @Test
    void serviceThatCannotBePlacedSaysWhy() {
        ecs.createCluster(c -> c.clusterName("tight"));
        register("tight", 1024, 512);
        ecs.createService(r ->
                r.cluster("tight").serviceName("big").taskDefinition("huge").desiredCount(1));
        Eventually.await(
                "placement failure event",
                Duration.ofSeconds(20),
                () -> ecs.describeServices(r -> r.cluster("tight").services("big")).services().get(0).events().stream()
                        .anyMatch(e -> e.message().contains("was unable to place a task")
                                && e.message().contains("RESOURCE:MEMORY")));
    }

    private static AwsRequestOverrideConfiguration as(ContainerInstance instance) {
        return AwsRequestOverrideConfiguration.builder()
                .putHeader(Operation.INSTANCE_HEADER, instance.containerInstanceArn())
                .build();
    }

    static Map<String, String> attributes(ContainerInstance ci) {
        return ci.attributes().stream().collect(Collectors.toMap(Attribute::name, Attribute::value));
    }
}
