package dev.ballast.deploy;

import static dev.ballast.deploy.EcsHelpers.stable;
import static dev.ballast.deploy.EcsHelpers.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.Attribute;
import software.amazon.awssdk.services.ecs.model.CapacityProviderStrategyItem;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.PlacementStrategyType;
import software.amazon.awssdk.services.ecs.model.TargetType;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The task definitions people really have, together and over time, through the AWS SDK against one running server
 * with three simulated instances: two capacity providers over attribute pools with the cluster's default strategy,
 * a DAEMON log router ({@code versionConsistency: disabled}) limited by a {@code memberOf} constraint, a REPLICA web
 * service on the default strategy with {@code binpack}, and a FARGATE awsvpc API service. Then the cluster changes
 * under them: an attribute put on an instance makes it eligible for the log router, and draining an instance moves
 * web and API tasks off it before its log router stops. After every change each service holds its invariants.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OwnHostsScenarioIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String POOL = "ballast.auto-scaling-group";
    private static final String TYPE = "hardware";
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;
    private List<String> instances;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/log-router:latest", TestImages.Format.OCI, "log-router-1");
        registry.images().push("demo/web:v1", TestImages.Format.OCI, "web-1");
        registry.images().push("demo/api:v1", TestImages.Format.OCI, "api-1");
        // the embedded instances offer serverless capacity by default
        server = TestServer.sqlite(c -> c.simulatedInstances(3));
        ecs = server.client();
        instances = ecs.listContainerInstances(r -> r.cluster("default")).containerInstanceArns().stream()
                .sorted()
                .toList();
        assertThat(instances).hasSize(3);
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void capacityPoolsDaemonFargateAndPlacementTogetherThroughAttributeChangesAndADrain() {
        String a = instances.get(0);
        String b = instances.get(1);
        String c = instances.get(2);
        put(a, POOL, "blue-asg");
        put(b, POOL, "blue-asg");
        put(c, POOL, "green-asg");
        put(a, TYPE, "m5.large");
        put(b, TYPE, "m5.large");
        put(c, TYPE, "t3.small");
        ecs.createCapacityProvider(
                r -> r.name("blue").autoScalingGroupProvider(p -> p.autoScalingGroupArn("blue-asg")));
        ecs.createCapacityProvider(
                r -> r.name("green").autoScalingGroupProvider(p -> p.autoScalingGroupArn("green-asg")));
        ecs.putClusterCapacityProviders(r -> r.cluster("default")
                .capacityProviders("blue", "green", "FARGATE")
                .defaultCapacityProviderStrategy(item("blue", 1, 1), item("green", 1, 0)));
        registerTaskDefinitions();

        ecs.createService(r -> r.serviceName("logs")
                .taskDefinition("log-router")
                .schedulingStrategy("DAEMON")
                .placementConstraints(
                        p -> p.type(PlacementConstraintType.MEMBER_OF).expression("attribute:hardware =~ m5.*")));
        ecs.createService(r -> r.serviceName("web")
                .taskDefinition("web")
                .desiredCount(5)
                .placementStrategy(s -> s.type(PlacementStrategyType.BINPACK).field("memory")));
        ecs.createService(r -> r.serviceName("api")
                .taskDefinition("api")
                .desiredCount(2)
                .launchType("FARGATE")
                .networkConfiguration(n -> n.awsvpcConfiguration(v -> v.subnets("subnet-a", "subnet-b"))));

        Eventually.await("all three services steady", WAIT, () -> steady("logs", "web", "api"));
        assertThat(hosts("logs"))
                .as("the log router only where memberOf admits")
                .containsExactlyInAnyOrder(a, b);
        assertWebOnTheDefaultStrategy(Set.of(a, b), Set.of(c));
        assertApiIsFargateWithInterfaces();

        // c becomes an m5: the attribute change wakes the DAEMON service, which follows it there
        put(c, TYPE, "m5.xlarge");
        Eventually.await(
                "a log router on c too",
                WAIT,
                () -> steady("logs") && Set.copyOf(hosts("logs")).size() == 3);
        assertThat(hosts("logs")).containsExactlyInAnyOrder(a, b, c);
        assertThat(running("web")).hasSize(5);

        // drain the blue instance binpack filled: its web tasks are replaced through the strategy (blue again, on the
        // other blue instance), api tasks leave it, then its log router stops; nothing replaces the log router
        String drained = running("web").stream()
                .filter(t -> "blue".equals(t.capacityProviderName()))
                .findFirst()
                .orElseThrow()
                .containerInstanceArn();
        String otherBlue = drained.equals(a) ? b : a;
        ecs.updateContainerInstancesState(
                r -> r.cluster("default").status("DRAINING").containerInstances(drained));
        Eventually.await(
                "everything off the drained instance",
                WAIT,
                () -> steady("logs", "web", "api")
                        && !hosts("web").contains(drained)
                        && !hosts("logs").contains(drained)
                        && !hosts("api").contains(drained));
        assertThat(hosts("logs")).containsExactlyInAnyOrder(otherBlue, c);
        assertWebOnTheDefaultStrategy(Set.of(otherBlue), Set.of(c));
        assertApiIsFargateWithInterfaces();
    }

    private void registerTaskDefinitions() {
        ecs.registerTaskDefinition(r -> r.family("log-router")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("log-router")
                        .image(registry.host() + "/demo/log-router:latest")
                        .memory(16)
                        .versionConsistency("disabled")
                        .build()));
        ecs.registerTaskDefinition(r -> r.family("web")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image(registry.host() + "/demo/web:v1")
                        .memory(64)
                        .build()));
        ecs.registerTaskDefinition(r -> r.family("api")
                .requiresCompatibilities(Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC)
                .cpu("256")
                .memory("512")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("api")
                        .image(registry.host() + "/demo/api:v1")
                        .environment(KeyValuePair.builder()
                                .name("PORT")
                                .value("8080")
                                .build())
                        .build()));
    }

    /**
     * Web's 5 tasks follow the cluster's default strategy (blue base 1, then 1:1 beyond the base): 3 through blue
     * on its pool, 2 through green on its own; binpack on memory puts blue's on one instance (they all fit).
     */
    private void assertWebOnTheDefaultStrategy(Set<String> bluePool, Set<String> greenPool) {
        List<Task> web = running("web");
        assertThat(web).hasSize(5);
        Map<String, Integer> byProvider = new HashMap<>();
        for (Task t : web) {
            byProvider.merge(t.capacityProviderName(), 1, Integer::sum);
            Set<String> pool = "blue".equals(t.capacityProviderName()) ? bluePool : greenPool;
            assertThat(pool)
                    .as("task %s of provider %s", t.taskArn(), t.capacityProviderName())
                    .contains(t.containerInstanceArn());
            assertThat(t.launchTypeAsString()).isEqualTo("EC2");
        }
        assertThat(byProvider).containsExactlyInAnyOrderEntriesOf(Map.of("blue", 3, "green", 2));
        assertThat(web.stream()
                        .filter(t -> "blue".equals(t.capacityProviderName()))
                        .map(Task::containerInstanceArn)
                        .distinct())
                .as("binpack on memory fills one instance before the next")
                .hasSize(1);
    }

    /** The API service's tasks are FARGATE, with an ENI attachment each on one of its subnets, on no named host. */
    private void assertApiIsFargateWithInterfaces() {
        List<Task> api = running("api");
        assertThat(api).hasSize(2);
        for (Task t : api) {
            assertThat(t.launchTypeAsString()).isEqualTo("FARGATE");
            assertThat(t.platformVersion()).isEqualTo("1.4.0");
            assertThat(t.containerInstanceArn())
                    .as("FARGATE tasks name no instance")
                    .isNull();
            Attachment eni = t.attachments().stream()
                    .filter(x -> x.type().equals("ElasticNetworkInterface"))
                    .findFirst()
                    .orElseThrow();
            Map<String, String> details =
                    eni.details().stream().collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value));
            assertThat(details.get("subnetId")).isIn("subnet-a", "subnet-b");
            assertThat(details.get("networkInterfaceId")).startsWith("eni-");
        }
        assertThat(api.stream().map(t -> t.attachments().getFirst().id()).distinct())
                .hasSize(2);
    }

    private void put(String instance, String name, String value) {
        ecs.putAttributes(r -> r.cluster("default")
                .attributes(Attribute.builder()
                        .name(name)
                        .value(value)
                        .targetType(TargetType.CONTAINER_INSTANCE)
                        .targetId(instance)
                        .build()));
    }

    private boolean steady(String... services) {
        for (String s : services) {
            if (!stable(ecs, "default", s)) {
                return false;
            }
        }
        return true;
    }

    private List<Task> running(String service) {
        return tasks(ecs, "default", service, DesiredStatus.RUNNING).stream()
                .filter(t -> "RUNNING".equals(t.lastStatus()))
                .toList();
    }

    /** The instances a service's running tasks are on; FARGATE tasks by the host the store recorded. */
    private List<String> hosts(String service) {
        return running(service).stream()
                .map(t -> t.containerInstanceArn() != null
                        ? t.containerInstanceArn()
                        : server.server()
                                .store()
                                .tasks()
                                .find(t.taskArn())
                                .orElseThrow()
                                .value()
                                .containerInstanceArn())
                .toList();
    }

    private static CapacityProviderStrategyItem item(String provider, int weight, int base) {
        return CapacityProviderStrategyItem.builder()
                .capacityProvider(provider)
                .weight(weight)
                .base(base)
                .build();
    }
}
