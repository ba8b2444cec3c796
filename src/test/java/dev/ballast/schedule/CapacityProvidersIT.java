package dev.ballast.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.CapacityProvider;
import software.amazon.awssdk.services.ecs.model.CapacityProviderField;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeCapacityProvidersResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.ManagedScalingStatus;
import software.amazon.awssdk.services.ecs.model.ManagedTerminationProtection;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Capacity providers through the AWS SDK against a running server (issue 12, item 3). Each test's cluster has
 * five container instances registered with RegisterContainerInstance (no agent runs them, so their tasks stay
 * where placement put them): two in the pool of Auto Scaling group {@code blue-asg}, two in {@code green-asg}
 * (attribute {@code ballast.auto-scaling-group}), one offering serverless capacity ({@code ballast.serverless}).
 * Providers {@code blue} (group named) and {@code green} (group ARN) name the two pools.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CapacityProvidersIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String GREEN_ARN =
            "arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0d2b4c9e:autoScalingGroupName/green-asg";
    private TestServer server;
    private EcsClient ecs;
    /** Instance ARN → its pool (blue, green or serverless). */
    private final Map<String, String> poolOf = new HashMap<>();

    @BeforeAll
    void start() {
        // no agent heartbeats these instances: keep them connected for the whole class
        server = TestServer.sqlite(c -> c.simulatedInstances(0)
                .agentHealth(new InstanceHealth.Settings(Duration.ofHours(1), Duration.ofHours(2))));
        ecs = server.client();
        ecs.registerTaskDefinition(r -> r.family("app")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/app:v1")
                        .memory(16)
                        .versionConsistency("disabled")
                        .build()));
        ecs.createCapacityProvider(
                r -> r.name("blue").autoScalingGroupProvider(a -> a.autoScalingGroupArn("blue-asg")));
        ecs.createCapacityProvider(r -> r.name("green")
                .autoScalingGroupProvider(a -> a.autoScalingGroupArn(GREEN_ARN)
                        .managedScaling(m -> m.status(ManagedScalingStatus.DISABLED))
                        .managedTerminationProtection(ManagedTerminationProtection.DISABLED))
                .tags(t -> t.key("team").value("green")));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
    }

    /** Creates {@code cluster} with the five instances, associated with {@code providers}, default strategy {@code dflt}. */
    private void cluster(String cluster, List<String> providers, CapacityProviderStrategyItem... dflt) {
        ecs.createCluster(c -> c.clusterName(cluster));
        register(cluster, "blue", Map.of("ballast.auto-scaling-group", "blue-asg"));
        register(cluster, "blue", Map.of("ballast.auto-scaling-group", "blue-asg"));
        register(cluster, "green", Map.of("ballast.auto-scaling-group", "green-asg"));
        register(cluster, "green", Map.of("ballast.auto-scaling-group", "green-asg"));
        register(cluster, "serverless", Map.of("ballast.serverless", "true"));
        ecs.putClusterCapacityProviders(
                r -> r.cluster(cluster).capacityProviders(providers).defaultCapacityProviderStrategy(dflt));
    }

    private void register(String cluster, String pool, Map<String, String> attributes) {
        String arn = ecs.registerContainerInstance(r -> r.cluster(cluster)
                        .totalResources(
                                Resource.builder()
                                        .name("CPU")
                                        .type("INTEGER")
                                        .integerValue(10240)
                                        .build(),
                                Resource.builder()
                                        .name("MEMORY")
                                        .type("INTEGER")
                                        .integerValue(16384)
                                        .build())
                        .attributes(attributes.entrySet().stream()
                                .map(e -> Attribute.builder()
                                        .name(e.getKey())
                                        .value(e.getValue())
                                        .build())
                                .toList()))
                .containerInstance()
                .containerInstanceArn();
        poolOf.put(arn, pool);
    }

    private static CapacityProviderStrategyItem item(String provider, int weight, int base) {
        return CapacityProviderStrategyItem.builder()
                .capacityProvider(provider)
                .weight(weight)
                .base(base)
                .build();
    }

    /** How many of {@code tasks} run in each pool. */
    private Map<String, Integer> byPool(List<Task> tasks) {
        Map<String, Integer> out = new TreeMap<>();
        tasks.forEach(t -> out.merge(poolOf.get(t.containerInstanceArn()), 1, Integer::sum));
        return out;
    }

    private List<Task> serviceTasks(String cluster, String service) {
        List<String> arns =
                ecs.listTasks(r -> r.cluster(cluster).serviceName(service)).taskArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeTasks(r -> r.cluster(cluster).tasks(arns)).tasks();
    }

    private static String code(Runnable call) {
        EcsException e = catchThrowableOfType(EcsException.class, call::run);
        assertThat(e).as("refused").isNotNull();
        return e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage();
    }

    @Test
    void aStrategysBaseAndWeightsPlaceTasksAsEcsWould() {
        cluster("split", List.of("blue", "green"));
        List<Task> run = ecs.runTask(r -> r.cluster("split")
                        .taskDefinition("app")
                        .count(10)
                        .capacityProviderStrategy(item("blue", 1, 2), item("green", 3, 0)))
                .tasks();
        // instances show the provider whose pool they are in
        Map<String, String> shown = new HashMap<>();
        ecs.describeContainerInstances(r -> r.cluster("split")
                        .containerInstances(ecs.listContainerInstances(l -> l.cluster("split"))
                                .containerInstanceArns()))
                .containerInstances()
                .forEach(
                        i -> shown.put(poolOf.get(i.containerInstanceArn()), String.valueOf(i.capacityProviderName())));
        assertThat(shown)
                .containsExactlyInAnyOrderEntriesOf(Map.of("blue", "blue", "green", "green", "serverless", "null"));
        // base 2 on blue first, then the other 8 at 1:3
        assertThat(byPool(run)).containsExactlyEntriesOf(new TreeMap<>(Map.of("blue", 4, "green", 6)));

        // a service keeps the ratio as it scales out, counting the tasks it has
        ecs.createService(r -> r.cluster("split")
                .serviceName("web")
                .taskDefinition("app")
                .desiredCount(2)
                .capacityProviderStrategy(item("blue", 1, 0), item("green", 3, 0)));
        Service web = ecs.describeServices(r -> r.cluster("split").services("web"))
                .services()
                .getFirst();
        assertThat(web.launchType()).isNull();
        assertThat(web.capacityProviderStrategy()).containsExactly(item("blue", 1, 0), item("green", 3, 0));
        assertThat(web.deployments().getFirst().capacityProviderStrategy()).hasSize(2);
        assertThat(web.deployments().getFirst().launchType()).isNull();
        String revision = web.currentServiceRevisions().getFirst().arn();
        assertThat(ecs.describeServiceRevisions(r -> r.serviceRevisionArns(revision))
                        .serviceRevisions()
                        .getFirst()
                        .launchType())
                .isNull();
        Eventually.await(
                "2 tasks of web", WAIT, () -> serviceTasks("split", "web").size() == 2);
        for (int desired : new int[] {4, 8}) {
            ecs.updateService(r -> r.cluster("split").service("web").desiredCount(desired));
            Eventually.await(
                    desired + " tasks of web",
                    WAIT,
                    () -> serviceTasks("split", "web").size() == desired);
            assertThat(byPool(serviceTasks("split", "web")))
                    .as("web at %d tasks", desired)
                    .containsExactlyEntriesOf(new TreeMap<>(Map.of("blue", desired / 4, "green", desired / 4 * 3)));
        }
    }

    @Test
    void aRollingDeploymentFillsTheBaseAgain() {
        cluster("rolling", List.of("blue", "green"));
        for (String image : List.of("127.0.0.1:9/demo/app:v1", "127.0.0.1:9/demo/app:v2")) {
            ecs.registerTaskDefinition(r -> r.family("roll")
                    .containerDefinitions(ContainerDefinition.builder()
                            .name("app")
                            .image(image)
                            .memory(16)
                            .versionConsistency("disabled")
                            .build()));
        }
        ecs.createService(r -> r.cluster("rolling")
                .serviceName("roll")
                .taskDefinition("roll:1")
                .desiredCount(2)
                .capacityProviderStrategy(item("blue", 0, 1), item("green", 1, 0)));
        Eventually.await(
                "2 tasks of roll", WAIT, () -> serviceTasks("rolling", "roll").size() == 2);
        assertThat(byPool(serviceTasks("rolling", "roll")))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("blue", 1, "green", 1)));

        // the new deployment's tasks split as a first launch would: the old ones are about to stop
        ecs.updateService(r -> r.cluster("rolling").service("roll").taskDefinition("roll:2"));
        Eventually.await(
                "2 tasks of roll:2",
                WAIT,
                () -> serviceTasks("rolling", "roll").stream()
                                .filter(t -> t.taskDefinitionArn().endsWith(":2"))
                                .count()
                        == 2);
        assertThat(byPool(serviceTasks("rolling", "roll").stream()
                        .filter(t -> t.taskDefinitionArn().endsWith(":2"))
                        .toList()))
                .containsExactlyEntriesOf(new TreeMap<>(Map.of("blue", 1, "green", 1)));
    }

    @Test
    void anEmptyPoolIsNamedInTheFailureAndTheServiceEvent() {
        ecs.createCapacityProvider(
                r -> r.name("vacant").autoScalingGroupProvider(a -> a.autoScalingGroupArn("vacant-asg")));
        cluster("vacant", List.of("vacant"));
        String reason = "No container instance in your cluster is in capacity provider vacant's pool (attribute "
                + "ballast.auto-scaling-group=vacant-asg)";
        RunTaskResponse run = ecs.runTask(
                r -> r.cluster("vacant").taskDefinition("app").capacityProviderStrategy(item("vacant", 1, 0)));
        assertThat(run.tasks()).isEmpty();
        assertThat(run.failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).startsWith(reason));
        ecs.createService(r -> r.cluster("vacant")
                .serviceName("idle")
                .taskDefinition("app")
                .desiredCount(1)
                .capacityProviderStrategy(item("vacant", 1, 0)));
        Eventually.await(
                "a service event naming the empty pool",
                WAIT,
                () ->
                        ecs
                                .describeServices(r -> r.cluster("vacant").services("idle"))
                                .services()
                                .getFirst()
                                .events()
                                .stream()
                                .anyMatch(e -> e.message().contains(reason)));
    }

    @Test
    void poolMembershipPutByAUserSurvivesReRegistration() {
        ecs.createCluster(c -> c.clusterName("rereg"));
        String arn = ecs.registerContainerInstance(r -> r.cluster("rereg")
                        .attributes(Attribute.builder()
                                .name("ballast.runtime")
                                .value("simulated")
                                .build()))
                .containerInstance()
                .containerInstanceArn();
        ecs.putAttributes(r -> r.cluster("rereg")
                .attributes(
                        Attribute.builder()
                                .name("ballast.auto-scaling-group")
                                .value("blue-asg")
                                .targetId(arn)
                                .build(),
                        Attribute.builder()
                                .name("team")
                                .value("a")
                                .targetId(arn)
                                .build()));
        // the agent restarts and registers again, without the attributes the user put
        ecs.registerContainerInstance(r -> r.cluster("rereg")
                .containerInstanceArn(arn)
                .attributes(
                        Attribute.builder().name("ecs.os-type").value("linux").build()));
        Map<String, String> after = new TreeMap<>();
        ecs.describeContainerInstances(r -> r.cluster("rereg").containerInstances(arn))
                .containerInstances()
                .getFirst()
                .attributes()
                .forEach(a -> after.put(a.name(), a.value()));
        assertThat(after)
                .containsEntry("ballast.auto-scaling-group", "blue-asg")
                .containsEntry("team", "a")
                .containsEntry("ecs.os-type", "linux")
                .doesNotContainKey("ballast.runtime");

        // serverless capacity is the agent's to declare
        assertThat(code(() -> ecs.putAttributes(r -> r.cluster("rereg")
                        .attributes(Attribute.builder()
                                .name("ballast.serverless")
                                .value("true")
                                .targetId(arn)
                                .build()))))
                .startsWith("InvalidParameterException: attributes[0]: attribute ballast.serverless cannot be put")
                .contains("--serverless");
        assertThat(code(() -> ecs.deleteAttributes(r -> r.cluster("rereg")
                        .attributes(Attribute.builder()
                                .name("ballast.serverless")
                                .targetId(arn)
                                .build()))))
                .startsWith("InvalidParameterException: attributes[0]: attribute ballast.serverless cannot be deleted");
        // other ballast.* names are the agent's too: a put would vanish at its next registration
        assertThat(code(() -> ecs.putAttributes(r -> r.cluster("rereg")
                        .attributes(Attribute.builder()
                                .name("ballast.zone")
                                .value("x")
                                .targetId(arn)
                                .build()))))
                .startsWith("InvalidParameterException: attributes[0]: attribute ballast.zone cannot be put")
                .contains("ballast.auto-scaling-group");
    }

    @Test
    void aServiceWithoutLaunchTypeOrStrategyTakesTheClustersDefault() {
        cluster("defaults", List.of("blue", "green"), item("green", 1, 0));
        Cluster described =
                ecs.describeClusters(r -> r.clusters("defaults")).clusters().getFirst();
        assertThat(described.capacityProviders()).containsExactly("blue", "green");
        assertThat(described.defaultCapacityProviderStrategy()).containsExactly(item("green", 1, 0));

        ecs.createService(r ->
                r.cluster("defaults").serviceName("api").taskDefinition("app").desiredCount(3));
        Service api = ecs.describeServices(r -> r.cluster("defaults").services("api"))
                .services()
                .getFirst();
        assertThat(api.launchType()).isNull();
        assertThat(api.capacityProviderStrategy()).containsExactly(item("green", 1, 0));
        Eventually.await(
                "3 tasks of api", WAIT, () -> serviceTasks("defaults", "api").size() == 3);
        assertThat(byPool(serviceTasks("defaults", "api"))).containsExactlyEntriesOf(Map.of("green", 3));

        // RunTask without either takes it too; launchType EC2 bypasses it (any instance)
        assertThat(byPool(ecs.runTask(
                                r -> r.cluster("defaults").taskDefinition("app").count(4))
                        .tasks()))
                .containsExactlyEntriesOf(Map.of("green", 4));
        ecs.createService(r -> r.cluster("defaults")
                .serviceName("ec2")
                .taskDefinition("app")
                .desiredCount(0)
                .launchType(LaunchType.EC2));
        Service ec2 = ecs.describeServices(r -> r.cluster("defaults").services("ec2"))
                .services()
                .getFirst();
        assertThat(ec2.launchType()).isEqualTo(LaunchType.EC2);
        assertThat(ec2.capacityProviderStrategy()).isEmpty();
        // UpdateService moves it onto a strategy, and an empty strategy back to the launch type
        Service moved = ecs.updateService(
                        r -> r.cluster("defaults").service("ec2").capacityProviderStrategy(item("blue", 1, 0)))
                .service();
        assertThat(moved.launchType()).isNull();
        assertThat(moved.capacityProviderStrategy()).containsExactly(item("blue", 1, 0));
        Service back = ecs.updateService(
                        r -> r.cluster("defaults").service("ec2").capacityProviderStrategy(List.of()))
                .service();
        assertThat(back.launchType()).isEqualTo(LaunchType.EC2);
        assertThat(back.capacityProviderStrategy()).isEmpty();
    }

    @Test
    void fargateProviderTasksLandOnServerlessInstances() {
        cluster("serverless", List.of("FARGATE", "FARGATE_SPOT"));
        // a Fargate provider runs FARGATE tasks: the revision must be FARGATE-compatible, as on ECS
        assertThat(code(() -> ecs.runTask(r ->
                        r.cluster("serverless").taskDefinition("app").capacityProviderStrategy(item("FARGATE", 1, 0)))))
                .isEqualTo("InvalidParameterException: Task definition does not support launch_type FARGATE.");
        ecs.registerTaskDefinition(r -> r.family("fg")
                .requiresCompatibilities(Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC)
                .cpu("256")
                .memory("512")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/app:v1")
                        .versionConsistency("disabled")
                        .build()));
        List<Task> run = ecs.runTask(r -> r.cluster("serverless")
                        .taskDefinition("fg")
                        .count(6)
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                        .capacityProviderStrategy(item("FARGATE", 1, 0), item("FARGATE_SPOT", 2, 0)))
                .tasks();
        assertThat(run).allSatisfy(t -> assertThat(t.launchTypeAsString()).isEqualTo("FARGATE"));
        assertThat(run)
                .extracting(Task::capacityProviderName)
                .containsOnly("FARGATE", "FARGATE_SPOT")
                .filteredOn("FARGATE_SPOT"::equals)
                .hasSize(4);
        assertThat(run.stream()
                        .map(t -> server.server()
                                .store()
                                .tasks()
                                .find(t.taskArn())
                                .orElseThrow()
                                .value()))
                .extracting(row -> poolOf.get(row.containerInstanceArn()))
                .as("FARGATE tasks show no containerInstanceArn; the store knows their host")
                .containsOnly("serverless");
        assertThat(ecs.describeCapacityProviders(r -> r.cluster("serverless")).capacityProviders())
                .extracting(CapacityProvider::name)
                .containsExactly("FARGATE", "FARGATE_SPOT");
        // a pool provider and a Fargate one cannot share a strategy (ECS's text)
        ecs.putClusterCapacityProviders(r -> r.cluster("serverless")
                .capacityProviders("FARGATE", "FARGATE_SPOT", "blue")
                .defaultCapacityProviderStrategy(List.of()));
        // services on a strategy are listed, counted and described by the launch type their providers give
        ecs.createService(r -> r.cluster("serverless")
                .serviceName("fg-svc")
                .taskDefinition("fg")
                .desiredCount(0)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-1")))
                .capacityProviderStrategy(item("FARGATE_SPOT", 1, 0)));
        ecs.createService(r -> r.cluster("serverless")
                .serviceName("pool-svc")
                .taskDefinition("app")
                .desiredCount(0)
                .capacityProviderStrategy(item("blue", 1, 0)));
        assertThat(ecs.listServices(r -> r.cluster("serverless").launchType(LaunchType.FARGATE))
                        .serviceArns())
                .singleElement()
                .satisfies(a -> assertThat(a).endsWith("/fg-svc"));
        assertThat(ecs.listServices(r -> r.cluster("serverless").launchType(LaunchType.EC2))
                        .serviceArns())
                .singleElement()
                .satisfies(a -> assertThat(a).endsWith("/pool-svc"));
        Map<String, Long> stats = new TreeMap<>();
        ecs.describeClusters(r -> r.clusters("serverless").include(ClusterField.STATISTICS))
                .clusters()
                .getFirst()
                .statistics()
                .forEach(kv -> stats.put(kv.name(), Long.parseLong(kv.value())));
        assertThat(stats).containsEntry("activeFargateServiceCount", 1L).containsEntry("activeEC2ServiceCount", 1L);
        List<Service> described = ecs.describeServices(
                        r -> r.cluster("serverless").services("fg-svc", "pool-svc"))
                .services();
        Service fg = described.get(0);
        assertThat(fg.launchType()).isNull();
        assertThat(fg.platformVersion()).isEqualTo("LATEST");
        assertThat(fg.platformFamily()).isEqualTo("Linux");
        assertThat(fg.deployments().getFirst().platformVersion()).isEqualTo("LATEST");
        assertThat(fg.deployments().getFirst().platformFamily()).isEqualTo("Linux");
        Service pool = described.get(1);
        assertThat(pool.platformVersion()).isNull();
        assertThat(pool.platformFamily()).isNull();
        assertThat(code(() -> ecs.runTask(r -> r.cluster("serverless")
                        .taskDefinition("app")
                        .capacityProviderStrategy(item("FARGATE", 1, 0), item("blue", 1, 0)))))
                .isEqualTo("InvalidParameterException: A capacity provider strategy cannot contain a mix of capacity "
                        + "providers using Auto Scaling groups and Fargate providers. Specify one or the other and "
                        + "try again.");
    }

    @Test
    void aProviderInUseCannotBeDeletedOrRemoved() {
        cluster("inuse", List.of("blue", "green"));
        ecs.createService(r -> r.cluster("inuse")
                .serviceName("svc")
                .taskDefinition("app")
                .desiredCount(0)
                .capacityProviderStrategy(item("blue", 1, 0)));
        assertThat(code(() -> ecs.deleteCapacityProvider(r -> r.capacityProvider("blue"))))
                .startsWith("ResourceInUseException: The capacity provider cannot be deleted because it is associated "
                        + "with cluster: ")
                .contains("inuse");
        assertThat(code(() -> ecs.putClusterCapacityProviders(
                        r -> r.cluster("inuse").capacityProviders("green").defaultCapacityProviderStrategy(List.of()))))
                .isEqualTo("ResourceInUseException: The specified capacity provider is in use and cannot be removed.");
        assertThat(ecs.describeClusters(r -> r.clusters("inuse"))
                        .clusters()
                        .getFirst()
                        .capacityProviders())
                .containsExactly("blue", "green");
        // green is not used: it can go, and once no cluster has a provider, it can be deleted
        ecs.createCapacityProvider(
                r -> r.name("spare").autoScalingGroupProvider(a -> a.autoScalingGroupArn("spare-asg")));
        ecs.putClusterCapacityProviders(
                r -> r.cluster("inuse").capacityProviders("blue", "spare").defaultCapacityProviderStrategy(List.of()));
        assertThat(code(() -> ecs.deleteCapacityProvider(r -> r.capacityProvider("spare"))))
                .startsWith("ResourceInUseException");
        ecs.putClusterCapacityProviders(
                r -> r.cluster("inuse").capacityProviders("blue").defaultCapacityProviderStrategy(List.of()));
        String arn = ecs.describeCapacityProviders(r -> r.capacityProviders("spare"))
                .capacityProviders()
                .getFirst()
                .capacityProviderArn();
        CapacityProvider deleted =
                ecs.deleteCapacityProvider(r -> r.capacityProvider(arn)).capacityProvider();
        assertThat(deleted.statusAsString()).isEqualTo("INACTIVE");
        assertThat(ecs.describeCapacityProviders(r -> r.capacityProviders("spare"))
                        .failures())
                .singleElement()
                .satisfies(f -> assertThat(f.reason()).isEqualTo("MISSING"));
        assertThat(code(() -> ecs.deleteCapacityProvider(r -> r.capacityProvider("FARGATE"))))
                .startsWith("ClientException");
    }

    @Test
    void managedScalingAndTerminationProtectionAreRefused() {
        assertThat(code(() -> ecs.createCapacityProvider(r -> r.name("scaled")
                        .autoScalingGroupProvider(a -> a.autoScalingGroupArn("scaled-asg")
                                .managedScaling(m ->
                                        m.status(ManagedScalingStatus.ENABLED).targetCapacity(90))))))
                .startsWith("UnsupportedFeatureException: managedScaling status ENABLED is not served");
        assertThat(code(() -> ecs.createCapacityProvider(r -> r.name("protected")
                        .autoScalingGroupProvider(a -> a.autoScalingGroupArn("protected-asg")
                                .managedTerminationProtection(ManagedTerminationProtection.ENABLED)))))
                .startsWith("UnsupportedFeatureException: managedTerminationProtection ENABLED");
        assertThat(code(() -> ecs.updateCapacityProvider(r -> r.name("blue")
                        .autoScalingGroupProvider(a -> a.managedScaling(m -> m.status(ManagedScalingStatus.ENABLED))))))
                .startsWith("UnsupportedFeatureException: managedScaling");
        assertThat(ecs.describeCapacityProviders(r -> r.capacityProviders("scaled", "protected"))
                        .failures())
                .hasSize(2);
        // a DISABLED update is accepted and echoed
        CapacityProvider blue = ecs.updateCapacityProvider(r -> r.name("blue")
                        .autoScalingGroupProvider(a -> a.managedScaling(
                                m -> m.status(ManagedScalingStatus.DISABLED).instanceWarmupPeriod(60))))
                .capacityProvider();
        assertThat(blue.autoScalingGroupProvider().managedScaling().instanceWarmupPeriod())
                .isEqualTo(60);
        assertThat(blue.autoScalingGroupProvider().autoScalingGroupArn()).isEqualTo("blue-asg");
    }

    @Test
    void describeListsBuiltInsAndProvidersByNameOrArnWithTagsAndPages() {
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            String t = token;
            DescribeCapacityProvidersResponse page =
                    ecs.describeCapacityProviders(r -> r.maxResults(1).nextToken(t));
            assertThat(page.capacityProviders()).hasSizeLessThanOrEqualTo(1);
            page.capacityProviders().forEach(p -> names.add(p.name()));
            token = page.nextToken();
        } while (token != null);
        assertThat(names).startsWith("FARGATE", "FARGATE_SPOT").contains("blue", "green");

        String greenArn = "arn:aws:ecs:us-east-1:123456789012:capacity-provider/green";
        DescribeCapacityProvidersResponse some = ecs.describeCapacityProviders(
                r -> r.capacityProviders(greenArn, "FARGATE", "nope").include(CapacityProviderField.TAGS));
        assertThat(some.capacityProviders()).extracting(CapacityProvider::name).containsExactly("green", "FARGATE");
        CapacityProvider green = some.capacityProviders().getFirst();
        assertThat(green.capacityProviderArn()).isEqualTo(greenArn);
        assertThat(green.typeAsString()).isEqualTo("EC2_AUTOSCALING");
        assertThat(green.autoScalingGroupProvider().autoScalingGroupArn()).isEqualTo(GREEN_ARN);
        assertThat(green.tags())
                .singleElement()
                .satisfies(t -> assertThat(t.key()).isEqualTo("team"));
        assertThat(some.failures())
                .singleElement()
                .satisfies(f ->
                        assertThat(f.arn()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:capacity-provider/nope"));

        ecs.tagResource(r -> r.resourceArn(greenArn).tags(t -> t.key("tier").value("2")));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(greenArn)).tags()).hasSize(2);
        ecs.untagResource(r -> r.resourceArn(greenArn).tagKeys("tier"));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(greenArn)).tags()).hasSize(1);
    }

    @Test
    void badStrategiesAndProvidersAreRefusedWithEcsErrors() {
        cluster("rules", List.of("blue", "green"));
        assertThat(code(() -> ecs.runTask(r -> r.cluster("rules")
                        .taskDefinition("app")
                        .launchType(LaunchType.EC2)
                        .capacityProviderStrategy(item("blue", 1, 0)))))
                .isEqualTo("InvalidParameterException: Specifying both a launch type and capacity provider strategy "
                        + "is not supported. Remove one and try again.");
        assertThat(code(() -> ecs.createService(r -> r.cluster("rules")
                        .serviceName("x")
                        .taskDefinition("app")
                        .desiredCount(1)
                        .capacityProviderStrategy(item("FARGATE", 1, 0)))))
                .startsWith("InvalidParameterException: The specified capacity provider strategy cannot contain a "
                        + "capacity provider that is not associated with the cluster.");
        assertThat(code(() -> ecs.runTask(r -> r.cluster("rules")
                        .taskDefinition("app")
                        .capacityProviderStrategy(item("blue", 1, 1), item("green", 1, 2)))))
                .startsWith("InvalidParameterException: Only one capacity provider");
        assertThat(code(() -> ecs.runTask(r -> r.cluster("rules")
                        .taskDefinition("app")
                        .capacityProviderStrategy(item("blue", 0, 0), item("green", 0, 0)))))
                .contains("weight greater than 0");
        assertThat(code(() -> ecs.updateService(
                        r -> r.cluster("rules").service("missing").capacityProviderStrategy(item("blue", 1, 0)))))
                .startsWith("ServiceNotFoundException");
        assertThat(code(() -> ecs.putClusterCapacityProviders(r -> r.cluster("rules")
                        .capacityProviders("blue", "nope")
                        .defaultCapacityProviderStrategy(List.of()))))
                .isEqualTo("InvalidParameterException: The specified capacity provider was not found. Specify a "
                        + "valid capacity provider and try again.");
        assertThat(code(() -> ecs.putClusterCapacityProviders(r -> r.cluster("rules")
                        .capacityProviders("blue")
                        .defaultCapacityProviderStrategy(item("green", 1, 0)))))
                .contains("not associated with the cluster");
        assertThat(code(() -> ecs.createCluster(r -> r.clusterName("bad-default")
                        .capacityProviders("blue")
                        .defaultCapacityProviderStrategy(item("blue", 1001, 0)))))
                .startsWith("InvalidParameterException");
        assertThat(code(() -> ecs.createCapacityProvider(
                        r -> r.name("fargate-own").autoScalingGroupProvider(a -> a.autoScalingGroupArn("x-asg")))))
                .startsWith("InvalidParameterException");
        assertThat(code(() -> ecs.createCapacityProvider(
                        r -> r.name("again").autoScalingGroupProvider(a -> a.autoScalingGroupArn("blue-asg")))))
                .isEqualTo("ClientException: The specified Auto Scaling group ARN is already being used by another "
                        + "capacity provider. Specify a unique Auto Scaling group ARN and try again.");
        // a cluster created with providers and a default strategy shows them
        Cluster created = ecs.createCluster(r -> r.clusterName("made-with")
                        .capacityProviders("FARGATE", "green")
                        .defaultCapacityProviderStrategy(item("green", 2, 1)))
                .cluster();
        assertThat(created.capacityProviders()).containsExactly("FARGATE", "green");
        assertThat(created.defaultCapacityProviderStrategy()).containsExactly(item("green", 2, 1));
        assertThat(code(() -> ecs.deleteCapacityProvider(r -> r.capacityProvider("green"))))
                .startsWith("ResourceInUseException");
    }
}
