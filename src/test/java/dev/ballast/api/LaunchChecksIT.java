package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ballast.schedule.Capacity;
import dev.ballast.schedule.PlacementFailures;
import dev.ballast.schedule.SubnetNetworks;
import dev.ballast.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;

/**
 * ECS's checks of FARGATE, platformVersion and awsvpc launches through the AWS SDK (issue 12, items 1 and 2):
 * each refusal is ECS's error naming the input and writes nothing; on a server whose embedded instance offers no
 * serverless capacity ({@code --no-serverless}) a FARGATE task is not placed, with a reason that says why; with
 * subnet mappings ({@code --subnet-network}) an unmapped subnet is refused and a mapped one lands on its network.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LaunchChecksIT {
    private static final String IMAGE = "127.0.0.1:9/demo/app:v1";
    private TestServer server;
    private EcsClient ecs;
    private final List<String> problems = new ArrayList<>();

    @BeforeAll
    void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(1)
                .serverless(false)
                .subnetNetworks(SubnetNetworks.parse(List.of("subnet-a=net-a", "subnet-b=net-b"))));
        ecs = server.client();
        ContainerDefinition app = ContainerDefinition.builder()
                .name("app")
                .image(IMAGE)
                .memory(16)
                .versionConsistency("disabled")
                .build();
        ecs.registerTaskDefinition(r -> r.family("fg")
                .requiresCompatibilitiesWithStrings("FARGATE")
                .networkMode(NetworkMode.AWSVPC)
                .cpu("1 vCPU")
                .memory("2 GB")
                .containerDefinitions(app));
        ecs.registerTaskDefinition(
                r -> r.family("vpc").networkMode(NetworkMode.AWSVPC).containerDefinitions(app));
        ecs.registerTaskDefinition(r -> r.family("bridge").containerDefinitions(app));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
    }

    private static Consumer<RunTaskRequest.Builder> subnets(String... subnets) {
        return r -> r.networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(subnets)));
    }

    private void refused(String what, Runnable call, String type, String message) {
        EcsException e = catchThrowableOfType(EcsException.class, call::run);
        if (e == null) {
            problems.add(what + ": accepted");
        } else if (!e.awsErrorDetails().errorCode().equals(type)
                || !e.awsErrorDetails().errorMessage().contains(message)) {
            problems.add(what + ": " + e.awsErrorDetails().errorCode() + " "
                    + e.awsErrorDetails().errorMessage());
        }
    }

    private Runnable run(String td, Consumer<RunTaskRequest.Builder> change) {
        return () -> ecs.runTask(r -> change.accept(r.taskDefinition(td)));
    }

    private Runnable create(String td, Consumer<CreateServiceRequest.Builder> change) {
        return () -> ecs.createService(
                r -> change.accept(r.serviceName("refused").taskDefinition(td).desiredCount(1)));
    }

    @Test
    void launchesEcsWouldRefuseAreRefusedNamingTheInputAndWriteNothing() {
        String invalid = "InvalidParameterException";
        refused(
                "FARGATE of an EC2-only revision",
                run("bridge", r -> r.launchType(LaunchType.FARGATE)),
                invalid,
                "Task definition does not support launch_type FARGATE.");
        refused(
                "FARGATE service of an EC2-only revision",
                create(
                        "vpc",
                        r -> r.launchType(LaunchType.FARGATE)
                                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-a")))),
                invalid,
                "Task definition does not support launch_type FARGATE.");
        refused(
                "unknown platform version",
                run(
                        "fg",
                        r -> subnets("subnet-a")
                                .accept(r.launchType(LaunchType.FARGATE).platformVersion("9.9.9"))),
                "PlatformUnknownException",
                "'9.9.9'");
        refused(
                "platform version with EC2",
                run("vpc", r -> subnets("subnet-a").accept(r.platformVersion("LATEST"))),
                invalid,
                "The platform version must be null when specifying an EC2 launch type.");
        refused(
                "awsvpc without networkConfiguration",
                run("fg", r -> r.launchType(LaunchType.FARGATE)),
                invalid,
                "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        refused(
                "awsvpc service without networkConfiguration",
                create("vpc", r -> {}),
                invalid,
                "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        refused("no subnets", run("vpc", subnets()), invalid, "subnets can not be empty.");
        String[] seventeen = IntStream.range(0, 17).mapToObj(i -> "subnet-a").toArray(String[]::new);
        refused("17 subnets", run("vpc", subnets(seventeen)), invalid, "subnets can have at most 16 items");
        refused(
                "6 security groups",
                run(
                        "vpc",
                        r -> r.networkConfiguration(n -> n.awsvpcConfiguration(a ->
                                a.subnets("subnet-a").securityGroups("sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6")))),
                invalid,
                "securityGroups can have at most 5 items");
        refused(
                "public IP with EC2",
                run(
                        "vpc",
                        r -> r.networkConfiguration(n ->
                                n.awsvpcConfiguration(a -> a.subnets("subnet-a").assignPublicIp("ENABLED")))),
                invalid,
                "Assign public IP is not supported for this launch type.");
        refused(
                "unmapped subnet",
                run("vpc", subnets("subnet-a", "subnet-zzz")),
                invalid,
                "Subnet 'subnet-zzz' is not mapped to an engine network");
        refused(
                "networkConfiguration with bridge",
                run("bridge", subnets("subnet-a")),
                invalid,
                "Network Configuration is not valid for the given networkMode of this task definition.");
        refused(
                "EXTERNAL",
                run("bridge", r -> r.launchType(LaunchType.EXTERNAL)),
                "UnsupportedFeatureException",
                "launchType EXTERNAL");
        ecs.createService(r -> r.serviceName("steady")
                .taskDefinition("vpc")
                .desiredCount(0)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-a"))));
        refused(
                "UpdateService to an unmapped subnet",
                () -> ecs.updateService(r -> r.service("steady")
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-q")))),
                invalid,
                "Subnet 'subnet-q'");
        refused(
                "UpdateService to a bridge revision keeping awsvpcConfiguration",
                () -> ecs.updateService(r -> r.service("steady").taskDefinition("bridge")),
                invalid,
                "Network Configuration is not valid");
        refused(
                "UpdateService platform version of an EC2 service",
                () -> ecs.updateService(r -> r.service("steady").platformVersion("1.4.0")),
                invalid,
                "The platform version must be null when specifying an EC2 launch type.");
        assertThat(problems).isEmpty();
        assertThat(ecs.listTasks(r -> r.cluster("default")).taskArns()).isEmpty();
        assertThat(ecs.listServices(r -> r.cluster("default")).serviceArns()).hasSize(1);
        var steady = ecs.describeServices(r -> r.services("steady")).services().getFirst();
        assertThat(steady.taskDefinition()).endsWith("task-definition/vpc:1");
        assertThat(steady.networkConfiguration().awsvpcConfiguration().subnets())
                .containsExactly("subnet-a");
        assertThat(steady.platformVersion()).isNull();
    }

    @Test
    void fargateSizesAreCheckedAtRegistration() {
        ClientException e = catchThrowableOfType(
                ClientException.class,
                () -> ecs.registerTaskDefinition(r -> r.family("odd")
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .networkMode(NetworkMode.AWSVPC)
                        .cpu("256")
                        .memory("4096")
                        .containerDefinitions(c -> c.name("app").image(IMAGE))));
        assertThat(e.awsErrorDetails().errorMessage())
                .isEqualTo("No Fargate configuration exists for given values: 256 CPU, 4096 memory. "
                        + "See the Amazon ECS documentation for the valid values.");
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix("odd")).taskDefinitionArns())
                .isEmpty();
    }

    @Test
    void withoutServerlessCapacityAFargateTaskIsNotPlacedAndSaysWhy() {
        String instance = ecs.listContainerInstances(r -> r.cluster("default"))
                .containerInstanceArns()
                .getFirst();
        assertThat(ecs.describeContainerInstances(r -> r.containerInstances(instance))
                        .containerInstances()
                        .getFirst()
                        .attributes())
                .noneSatisfy(a -> assertThat(a.name()).isEqualTo(Capacity.SERVERLESS_ATTRIBUTE));
        RunTaskResponse fargate = ecs.runTask(
                r -> subnets("subnet-a").accept(r.taskDefinition("fg").launchType(LaunchType.FARGATE)));
        assertThat(fargate.tasks()).isEmpty();
        assertThat(fargate.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo(PlacementFailures.NO_SERVERLESS));
        RunTaskResponse ec2 = ecs.runTask(r -> subnets("subnet-b", "subnet-a").accept(r.taskDefinition("vpc")));
        assertThat(ec2.failures()).isEmpty();
        String arn = ec2.tasks().getFirst().taskArn();
        var eni = server.server()
                .store()
                .tasks()
                .find(arn)
                .orElseThrow()
                .value()
                .launch()
                .eni();
        assertThat(eni.subnetId()).isEqualTo("subnet-b");
        assertThat(eni.networkName()).as("the mapped network").isEqualTo("net-b");
        ecs.stopTask(r -> r.task(arn));
    }
}
