package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ballast.testing.TestServer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.CreateServiceRequest;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskRequest;
import software.amazon.awssdk.services.ecs.model.SettingName;
import software.amazon.awssdk.services.ecs.model.StartTaskRequest;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * What Ballast does not serve is refused, never silently accepted (issue 9, item 17): every row of
 * {@link Unserved} is exercised here through the AWS SDK, answers its error (ECS's text where ECS has one), and
 * writes nothing; what is served next to it (launchType EC2, spread placement, empty lists) is still accepted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnservedTest {
    private static final String SUBNETS = "subnet-12345678";
    private TestServer server;
    private EcsClient ecs;
    private final Set<String> covered = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    @BeforeAll
    void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        ecs = server.client();
        ecs.createCluster(c -> c.clusterName("plain"));
        ecs.registerContainerInstance(r -> r.cluster("plain")
                .totalResources(Resource.builder()
                        .name("MEMORY")
                        .type("INTEGER")
                        .integerValue(8192)
                        .build()));
        ecs.registerTaskDefinition(r -> r.family("app")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/app:v1")
                        .memory(16)
                        .versionConsistency("disabled")
                        .build()));
        ecs.createService(r ->
                r.cluster("plain").serviceName("base").taskDefinition("app").desiredCount(0));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
    }

    private void refused(String operation, String member, Runnable call, String type, String message) {
        covered.add(operation + " " + member);
        Throwable t = catchThrowable(call::run);
        if (!(t instanceof EcsException e)) {
            problems.add(operation + " " + member + ": accepted (or failed otherwise: " + t + ")");
            return;
        }
        if (!e.awsErrorDetails().errorCode().equals(type)
                || !e.awsErrorDetails().errorMessage().contains(message)) {
            problems.add(operation + " " + member + ": " + e.awsErrorDetails().errorCode() + " "
                    + e.awsErrorDetails().errorMessage());
        }
    }

    private Runnable runTask(Consumer<RunTaskRequest.Builder> change) {
        return () -> ecs.runTask(r -> change.accept(r.cluster("plain").taskDefinition("app")));
    }

    private Runnable startTask(Consumer<StartTaskRequest.Builder> change) {
        return () -> ecs.startTask(r -> change.accept(
                r.cluster("plain").taskDefinition("app").containerInstances("0123456789abcdef0123456789abcdef")));
    }

    private Runnable createService(Consumer<CreateServiceRequest.Builder> change) {
        return () -> ecs.createService(r -> change.accept(
                r.cluster("plain").serviceName("refused").taskDefinition("app").desiredCount(1)));
    }

    private Runnable updateService(Consumer<UpdateServiceRequest.Builder> change) {
        return () -> ecs.updateService(
                r -> change.accept(r.cluster("plain").service("base").desiredCount(3)));
    }

    @Test
    void everyRowIsRefusedAndWritesNothing() {
        String unsupported = "UnsupportedFeatureException";
        String invalid = "InvalidParameterException";
        refused(
                "RunTask",
                "launchType",
                runTask(r -> r.launchType(LaunchType.EXTERNAL)),
                unsupported,
                "launchType EXTERNAL");
        refused(
                "CreateService",
                "launchType",
                createService(r -> r.launchType(LaunchType.EXTERNAL)),
                unsupported,
                "launchType EXTERNAL");
        // FARGATE is served (FargateLaunchIT); a revision that does not require it is refused as ECS does
        String notFargate = "Task definition does not support launch_type FARGATE.";
        refused("RunTask", "FARGATE", runTask(r -> r.launchType(LaunchType.FARGATE)), invalid, notFargate);
        refused("CreateService", "FARGATE", createService(r -> r.launchType(LaunchType.FARGATE)), invalid, notFargate);
        String platform = "The platform version must be null when specifying an EC2 launch type.";
        refused("RunTask", "platformVersion", runTask(r -> r.platformVersion("LATEST")), invalid, platform);
        refused("CreateService", "platformVersion", createService(r -> r.platformVersion("1.4.0")), invalid, platform);
        refused("UpdateService", "platformVersion", updateService(r -> r.platformVersion("LATEST")), invalid, platform);
        String network = "Network Configuration is not valid for the given networkMode of this task definition.";
        refused(
                "RunTask",
                "networkConfiguration",
                runTask(r -> r.networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(SUBNETS)))),
                invalid,
                network);
        refused(
                "CreateService",
                "networkConfiguration",
                createService(r -> r.networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(SUBNETS)))),
                invalid,
                network);
        refused(
                "UpdateService",
                "networkConfiguration",
                updateService(r -> r.networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets(SUBNETS)))),
                invalid,
                network);
        refused(
                "CreateService",
                "loadBalancers",
                createService(
                        r -> r.loadBalancers(
                                l -> l.containerName("app")
                                        .containerPort(80)
                                        .targetGroupArn(
                                                "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123456789abcdef"))),
                unsupported,
                "loadBalancers");
        refused(
                "UpdateService",
                "loadBalancers",
                updateService(r -> r.loadBalancers(
                        l -> l.containerName("app").containerPort(80).loadBalancerName("classic"))),
                unsupported,
                "loadBalancers");
        String registry = "arn:aws:servicediscovery:us-east-1:123456789012:service/srv-0123456789abcdef";
        refused(
                "CreateService",
                "serviceRegistries",
                createService(r -> r.serviceRegistries(s -> s.registryArn(registry))),
                unsupported,
                "serviceRegistries");
        refused(
                "UpdateService",
                "serviceRegistries",
                updateService(r -> r.serviceRegistries(s -> s.registryArn(registry))),
                unsupported,
                "serviceRegistries");
        refused(
                "CreateService",
                "serviceConnectConfiguration",
                createService(
                        r -> r.serviceConnectConfiguration(s -> s.enabled(true).namespace("ns"))),
                unsupported,
                "serviceConnectConfiguration");
        refused(
                "UpdateService",
                "serviceConnectConfiguration",
                updateService(
                        r -> r.serviceConnectConfiguration(s -> s.enabled(true).namespace("ns"))),
                unsupported,
                "serviceConnectConfiguration");
        refused(
                "RunTask",
                "volumeConfigurations",
                runTask(r -> r.volumeConfigurations(v -> v.name("data")
                        .managedEBSVolume(e ->
                                e.roleArn("arn:aws:iam::123456789012:role/ebs").sizeInGiB(1)))),
                unsupported,
                "volumeConfigurations");
        refused(
                "CreateService",
                "volumeConfigurations",
                createService(r -> r.volumeConfigurations(v -> v.name("data")
                        .managedEBSVolume(e ->
                                e.roleArn("arn:aws:iam::123456789012:role/ebs").sizeInGiB(1)))),
                unsupported,
                "volumeConfigurations");
        refused(
                "UpdateService",
                "volumeConfigurations",
                updateService(r -> r.volumeConfigurations(v -> v.name("data")
                        .managedEBSVolume(e ->
                                e.roleArn("arn:aws:iam::123456789012:role/ebs").sizeInGiB(1)))),
                unsupported,
                "volumeConfigurations");
        String lattice = "arn:aws:vpc-lattice:us-east-1:123456789012:targetgroup/tg-0123456789abcdef0";
        refused(
                "CreateService",
                "vpcLatticeConfigurations",
                createService(r -> r.vpcLatticeConfigurations(v -> v.roleArn("arn:aws:iam::123456789012:role/lattice")
                        .targetGroupArn(lattice)
                        .portName("web"))),
                unsupported,
                "vpcLattice");
        refused(
                "UpdateService",
                "vpcLatticeConfigurations",
                updateService(r -> r.vpcLatticeConfigurations(v -> v.roleArn("arn:aws:iam::123456789012:role/lattice")
                        .targetGroupArn(lattice)
                        .portName("web"))),
                unsupported,
                "vpcLattice");
        refused("CreateService", "role", createService(r -> r.role("ecsServiceRole")), invalid, "'role'");
        refused(
                "CreateService",
                "deploymentController",
                createService(r -> r.deploymentController(d -> d.type("EXTERNAL"))),
                unsupported,
                "deploymentController EXTERNAL");
        refused(
                "UpdateService",
                "deploymentController",
                updateService(r -> r.deploymentController(d -> d.type("CODE_DEPLOY"))),
                unsupported,
                "deploymentController CODE_DEPLOY");
        refused(
                "CreateTaskSet",
                "(operation)",
                () -> ecs.createTaskSet(r -> r.cluster("plain").service("base").taskDefinition("app")),
                unsupported,
                "task sets");
        refused(
                "DescribeTaskSets",
                "(operation)",
                () -> ecs.describeTaskSets(r -> r.cluster("plain").service("base")),
                unsupported,
                "task sets");
        refused(
                "RunTask",
                "overrides",
                runTask(r ->
                        r.overrides(o -> o.containerOverrides(c -> c.name("app").command("sh", "-c", "env")))),
                unsupported,
                "overrides");
        refused(
                "StartTask",
                "overrides",
                startTask(r ->
                        r.overrides(o -> o.containerOverrides(c -> c.name("app").command("env")))),
                unsupported,
                "overrides");
        refused(
                "StartTask",
                "enableExecuteCommand",
                startTask(r -> r.enableExecuteCommand(true)),
                unsupported,
                "enableExecuteCommand");
        refused(
                "StartTask",
                "enableECSManagedTags",
                startTask(r -> r.enableECSManagedTags(true)),
                unsupported,
                "enableECSManagedTags");
        refused(
                "StartTask",
                "volumeConfigurations",
                startTask(r -> r.volumeConfigurations(v -> v.name("data")
                        .managedEBSVolume(e ->
                                e.roleArn("arn:aws:iam::123456789012:role/ebs").sizeInGiB(1)))),
                unsupported,
                "volumeConfigurations");
        refused(
                "RunTask",
                "enableExecuteCommand",
                runTask(r -> r.enableExecuteCommand(true)),
                unsupported,
                "enableExecuteCommand");
        refused(
                "CreateService",
                "enableExecuteCommand",
                createService(r -> r.enableExecuteCommand(true)),
                unsupported,
                "enableExecuteCommand");
        refused(
                "UpdateService",
                "enableExecuteCommand",
                updateService(r -> r.enableExecuteCommand(true)),
                unsupported,
                "enableExecuteCommand");
        refused(
                "RunTask",
                "enableECSManagedTags",
                runTask(r -> r.enableECSManagedTags(true)),
                unsupported,
                "enableECSManagedTags");
        refused(
                "CreateService",
                "enableECSManagedTags",
                createService(r -> r.enableECSManagedTags(true)),
                unsupported,
                "enableECSManagedTags");
        refused(
                "UpdateService",
                "enableECSManagedTags",
                updateService(r -> r.enableECSManagedTags(true)),
                unsupported,
                "enableECSManagedTags");
        for (SettingName name : List.of(
                SettingName.SERVICE_LONG_ARN_FORMAT,
                SettingName.TASK_LONG_ARN_FORMAT,
                SettingName.CONTAINER_INSTANCE_LONG_ARN_FORMAT)) {
            refused(
                    "PutAccountSetting",
                    "value",
                    () -> ecs.putAccountSetting(r -> r.name(name).value("disabled")),
                    invalid,
                    "You can no longer disable Long Arn settings.");
            refused(
                    "PutAccountSettingDefault",
                    "value",
                    () -> ecs.putAccountSettingDefault(r -> r.name(name).value("disabled")),
                    invalid,
                    "You can no longer disable Long Arn settings.");
        }
        assertThat(problems).isEmpty();
        List<String> rows = new ArrayList<>();
        Unserved.REQUEST.forEach(row -> row.operations().forEach(op -> rows.add(op + " " + row.member())));
        Unserved.AFTER_TASK_DEFINITION.forEach(
                row -> row.operations().forEach(op -> rows.add(op + " " + row.member())));
        Unserved.TASK_DEFINITION.forEach(
                row -> row.operations().forEach(op -> rows.add(op + " task definition " + row.member())));
        assertThat(covered).as("every row of Unserved is exercised").containsAll(rows);

        // nothing was written: no task, no new service, the base service as it was, long ARNs still on
        assertThat(ecs.listTasks(r -> r.cluster("plain")).taskArns()).isEmpty();
        assertThat(ecs.listServices(r -> r.cluster("plain")).serviceArns())
                .containsExactly("arn:aws:ecs:us-east-1:123456789012:service/plain/base");
        var base = ecs.describeServices(r -> r.cluster("plain").services("base"))
                .services()
                .getFirst();
        assertThat(base.desiredCount()).isZero();
        assertThat(base.deployments()).hasSize(1);
        assertThat(base.loadBalancers()).isEmpty();
        assertThat(ecs.listAccountSettings(r -> r.effectiveSettings(true)).settings().stream()
                        .filter(s -> s.nameAsString().endsWith("LongArnFormat"))
                        .map(s -> s.value())
                        .distinct()
                        .toList())
                .containsExactly("enabled");
    }

    @Test
    void whatIsServedNextToItIsStillAccepted() {
        ecs.createCluster(c -> c.clusterName("open"));
        ecs.registerContainerInstance(r -> r.cluster("open")
                .totalResources(Resource.builder()
                        .name("MEMORY")
                        .type("INTEGER")
                        .integerValue(8192)
                        .build()));
        assertThat(ecs.runTask(r -> r.cluster("open")
                                .taskDefinition("app")
                                .launchType(LaunchType.EC2)
                                .placementStrategy(
                                        p -> p.type(PlacementStrategyType.SPREAD)
                                                .field("instanceId"),
                                        p -> p.type(PlacementStrategyType.SPREAD)
                                                .field("attribute:ecs.availability-zone"))
                                .overrides(o -> o.containerOverrides(c -> c.name("app"))))
                        .tasks())
                .hasSize(1);
        var served = ecs.createService(r -> r.cluster("open")
                        .serviceName("served")
                        .taskDefinition("app")
                        .desiredCount(0)
                        .launchType(LaunchType.EC2)
                        .loadBalancers(List.of())
                        .placementConstraints(List.of())
                        .placementStrategy(p -> p.type(PlacementStrategyType.RANDOM)))
                .service();
        assertThat(served.launchTypeAsString()).isEqualTo("EC2");
        assertThat(ecs.putAccountSetting(
                                r -> r.name(SettingName.TASK_LONG_ARN_FORMAT).value("enabled"))
                        .setting()
                        .value())
                .isEqualTo("enabled");
        ecs.deleteService(r -> r.cluster("open").service("served"));
    }
}
