package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.service;
import static dev.ballast.deploy.EcsHelpers.stable;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.AttachmentStatus;
import dev.ballast.model.EniAttachment;
import dev.ballast.schedule.Capacity;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.AwsVpcConfiguration;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The FARGATE launch type on the server's own hosts (issue 12, items 1 and 2, server side), through the AWS SDK
 * against a server whose embedded simulated instance offers serverless capacity (the default), pulling from the
 * CNCF registry: FARGATE tasks go only to instances that offer serverless capacity, show their launch type,
 * platform version and family, no container instance, and an ENI attachment on one of the request's subnets; awsvpc
 * tasks take no host ports; a FARGATE service with awsvpc deploys and stays steady.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FargateLaunchIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CLUSTER = "default";
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private String image;
    private String serverlessInstance;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/fargate:v1", TestImages.Format.OCI, "fargate-1");
        image = registry.host() + "/demo/fargate:v1";
        server = TestServer.sqlite(c -> c.simulatedInstances(1));
        ecs = server.client();
        serverlessInstance = ecs.listContainerInstances(r -> r.cluster(CLUSTER))
                .containerInstanceArns()
                .getFirst();
        ecs.registerTaskDefinition(r -> r.family("fg")
                .requiresCompatibilitiesWithStrings("FARGATE")
                .networkMode(NetworkMode.AWSVPC)
                .cpu("256")
                .memory("512")
                .containerDefinitions(container(8080)));
        ecs.registerTaskDefinition(r -> r.family("plain").containerDefinitions(container(0)));
        ecs.registerTaskDefinition(
                r -> r.family("vpc").networkMode(NetworkMode.AWSVPC).containerDefinitions(container(9090)));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    private ContainerDefinition container(int port) {
        ContainerDefinition.Builder c =
                ContainerDefinition.builder().name("app").image(image).memory(16);
        if (port > 0) {
            c.portMappings(
                    PortMapping.builder().containerPort(port).hostPort(port).build());
        }
        return c.build();
    }

    private static Consumer<RunTaskRequest.Builder> awsvpc(String... subnets) {
        return r -> r.networkConfiguration(
                n -> n.awsvpcConfiguration(a -> a.subnets(subnets).securityGroups("sg-0123456789abcdef0")));
    }

    private static String detail(Attachment a, String name) {
        return a.details().stream()
                .filter(d -> d.name().equals(name))
                .map(KeyValuePair::value)
                .findFirst()
                .orElse(null);
    }

    private int statistic(String name) {
        return ecs
                .describeClusters(r -> r.clusters(CLUSTER).includeWithStrings("STATISTICS"))
                .clusters()
                .getFirst()
                .statistics()
                .stream()
                .filter(kv -> kv.name().equals(name))
                .mapToInt(kv -> Integer.parseInt(kv.value()))
                .findFirst()
                .orElseThrow();
    }

    private EniAttachment storedEni(String taskArn) {
        return server.server()
                .store()
                .tasks()
                .find(taskArn)
                .orElseThrow()
                .value()
                .launch()
                .eni();
    }

    private String hostOf(String taskArn) {
        return server.server()
                .store()
                .tasks()
                .find(taskArn)
                .orElseThrow()
                .value()
                .containerInstanceArn();
    }

    @Test
    @Order(1)
    void theEmbeddedInstanceOffersServerlessCapacity() {
        var attributes = ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(serverlessInstance))
                .containerInstances()
                .getFirst()
                .attributes();
        assertThat(attributes).anySatisfy(a -> {
            assertThat(a.name()).isEqualTo(Capacity.SERVERLESS_ATTRIBUTE);
            assertThat(a.value()).isEqualTo("true");
        });
    }

    @Test
    @Order(2)
    void aFargateTaskShowsItsLaunchTypePlatformAndNetworkInterface() {
        RunTaskResponse run = ecs.runTask(r -> awsvpc("subnet-a", "subnet-b")
                .accept(r.taskDefinition("fg")
                        .launchType(LaunchType.FARGATE)
                        .platformVersion("LATEST")
                        .count(2)));
        assertThat(run.failures()).isEmpty();
        assertThat(run.tasks()).hasSize(2);
        Set<String> subnets = new HashSet<>();
        for (Task t : run.tasks()) {
            assertThat(t.launchType()).isEqualTo(LaunchType.FARGATE);
            assertThat(t.platformVersion()).isEqualTo("1.4.0");
            assertThat(t.platformFamily()).isEqualTo("Linux");
            assertThat(t.containerInstanceArn())
                    .as("ECS shows no instance for a FARGATE task")
                    .isNull();
            Attachment eni = t.attachments().getFirst();
            assertThat(t.attachments()).hasSize(1);
            assertThat(eni.type()).isEqualTo("ElasticNetworkInterface");
            assertThat(eni.id()).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(eni.status()).isIn(AttachmentStatus.PRECREATED.wire(), AttachmentStatus.ATTACHED.wire());
            assertThat(detail(eni, "networkInterfaceId")).matches("eni-[0-9a-f]{17}");
            subnets.add(detail(eni, "subnetId"));
            EniAttachment stored = storedEni(t.taskArn());
            assertThat(stored.networkName())
                    .as("unmapped subnets: the cluster's network")
                    .isEqualTo("ballast-default");
            assertThat(stored.securityGroups()).containsExactly("sg-0123456789abcdef0");
            assertThat(hostOf(t.taskArn())).isEqualTo(serverlessInstance);
        }
        assertThat(subnets).as("tasks spread over the subnets").containsExactlyInAnyOrder("subnet-a", "subnet-b");
        for (Task t : run.tasks()) {
            Task running = EcsTasks.await(
                    ecs,
                    "FARGATE task RUNNING",
                    t.taskArn(),
                    WAIT,
                    x -> x.lastStatus().equals("RUNNING"));
            assertThat(running.launchType()).isEqualTo(LaunchType.FARGATE);
            ecs.stopTask(r -> r.task(t.taskArn()));
        }
    }

    @Test
    @Order(3)
    void awsvpcTasksTakeNoHostPorts() {
        // hostPort 9090 on one instance: bridge tasks could not share it, awsvpc tasks each have their own namespace
        RunTaskResponse run = ecs.runTask(
                r -> awsvpc("subnet-a").accept(r.taskDefinition("vpc").count(3)));
        assertThat(run.failures()).isEmpty();
        assertThat(run.tasks()).hasSize(3);
        assertThat(run.tasks()).allSatisfy(t -> {
            assertThat(t.launchType()).isEqualTo(LaunchType.EC2);
            assertThat(t.containerInstanceArn()).isEqualTo(serverlessInstance);
            assertThat(detail(t.attachments().getFirst(), "subnetId")).isEqualTo("subnet-a");
        });
        run.tasks().forEach(t -> ecs.stopTask(r -> r.task(t.taskArn())));
    }

    @Test
    @Order(4)
    void aFargateServiceWithAwsvpcDeploysAndStaysSteady() {
        AwsVpcConfiguration vpc = AwsVpcConfiguration.builder()
                .subnets("subnet-a", "subnet-b")
                .securityGroups("sg-1")
                .assignPublicIp("ENABLED")
                .build();
        ecs.createService(r -> r.serviceName("web")
                .taskDefinition("fg")
                .desiredCount(2)
                .launchType(LaunchType.FARGATE)
                .networkConfiguration(n -> n.awsvpcConfiguration(vpc)));
        Eventually.await("FARGATE service steady", WAIT, () -> stable(ecs, CLUSTER, "web"));
        Service s = service(ecs, CLUSTER, "web");
        assertThat(s.launchType()).isEqualTo(LaunchType.FARGATE);
        assertThat(s.platformVersion()).isEqualTo("LATEST");
        assertThat(s.platformFamily()).isEqualTo("Linux");
        assertThat(s.networkConfiguration().awsvpcConfiguration()).isEqualTo(vpc);
        assertThat(s.deployments().getFirst().platformVersion()).isEqualTo("LATEST");
        assertThat(s.deployments().getFirst().networkConfiguration().awsvpcConfiguration())
                .isEqualTo(vpc);
        List<Task> running = tasks(ecs, CLUSTER, "web", DesiredStatus.RUNNING);
        assertThat(running).hasSize(2).allSatisfy(t -> {
            assertThat(t.launchType()).isEqualTo(LaunchType.FARGATE);
            assertThat(t.platformVersion()).isEqualTo("1.4.0");
            assertThat(t.attachments())
                    .singleElement()
                    .satisfies(a -> assertThat(a.type()).isEqualTo("ElasticNetworkInterface"));
        });
        Set<String> arns = running.stream().map(Task::taskArn).collect(Collectors.toSet());
        Eventually.await(
                "DescribeClusters counts the FARGATE tasks and service",
                WAIT,
                () -> statistic("runningFargateTasksCount") == 2
                        && statistic("activeFargateServiceCount") == 1
                        && statistic("activeEC2ServiceCount") == 0
                        && statistic("runningEC2TasksCount") == 0);
        for (int i = 0; i < 5; i++) {
            server.server().reconcilers().passOnce();
        }
        assertThat(stable(ecs, CLUSTER, "web")).isTrue();
        assertThat(tasks(ecs, CLUSTER, "web", DesiredStatus.RUNNING).stream()
                        .map(Task::taskArn)
                        .collect(Collectors.toSet()))
                .as("reconciling a steady FARGATE service replaces nothing")
                .isEqualTo(arns);
        // a new networkConfiguration replaces the tasks, as on ECS: the new ones are on the new subnet
        ecs.updateService(
                r -> r.service("web").networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-c"))));
        Eventually.await(
                "tasks replaced on subnet-c",
                WAIT,
                () -> stable(ecs, CLUSTER, "web")
                        && tasks(ecs, CLUSTER, "web", DesiredStatus.RUNNING).stream()
                                .allMatch(t -> !arns.contains(t.taskArn())
                                        && "subnet-c"
                                                .equals(detail(t.attachments().getFirst(), "subnetId"))));
        ecs.updateService(r -> r.service("web").desiredCount(0));
        Eventually.await("service scaled in", WAIT, () -> stable(ecs, CLUSTER, "web"));
    }

    @Test
    @Order(5)
    void fargateTasksGoOnlyToInstancesOfferingServerlessCapacity() {
        String ec2Only = ecs.registerContainerInstance(r -> r.cluster(CLUSTER)
                        .totalResources(
                                Resource.builder()
                                        .name("CPU")
                                        .type("INTEGER")
                                        .integerValue(8192)
                                        .build(),
                                Resource.builder()
                                        .name("MEMORY")
                                        .type("INTEGER")
                                        .integerValue(16384)
                                        .build()))
                .containerInstance()
                .containerInstanceArn();
        // the EC2-only instance is eligible: EC2 tasks spread over both instances
        RunTaskResponse ec2 = ecs.runTask(r -> r.taskDefinition("plain").count(4));
        assertThat(ec2.tasks().stream().map(Task::containerInstanceArn).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder(serverlessInstance, ec2Only);
        RunTaskResponse fargate = ecs.runTask(r -> awsvpc("subnet-a")
                .accept(r.taskDefinition("fg").launchType(LaunchType.FARGATE).count(4)));
        assertThat(fargate.failures()).isEmpty();
        assertThat(fargate.tasks()).hasSize(4);
        assertThat(fargate.tasks().stream().map(t -> hostOf(t.taskArn())).collect(Collectors.toSet()))
                .containsExactly(serverlessInstance);
        ecs.deregisterContainerInstance(
                r -> r.cluster(CLUSTER).containerInstance(ec2Only).force(true));
        ec2.tasks().forEach(t -> ecs.stopTask(r -> r.task(t.taskArn())));
        fargate.tasks().forEach(t -> ecs.stopTask(r -> r.task(t.taskArn())));
    }
}
