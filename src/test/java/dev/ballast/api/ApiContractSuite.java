package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterContainsContainerInstancesException;
import software.amazon.awssdk.services.ecs.model.ClusterContainsServicesException;
import software.amazon.awssdk.services.ecs.model.ClusterContainsTasksException;
import software.amazon.awssdk.services.ecs.model.ClusterField;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.ConflictException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.ContainerStateChange;
import software.amazon.awssdk.services.ecs.model.DescribeClustersResponse;
import software.amazon.awssdk.services.ecs.model.EcsException;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.ListTaskDefinitionFamiliesRequest;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ecs.model.SortOrder;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionFamilyStatus;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;

/**
 * The ECS API contract as the AWS SDK for Java v2 sees it, run against a real server on each store
 * (subclasses pick SQLite or PostgreSQL). Names are unique per test so tests share one server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApiContractSuite {
    TestServer server;
    EcsClient ecs;

    abstract TestServer startServer();

    @BeforeAll
    void start() {
        server = startServer();
        ecs = server.client();
    }

    @AfterAll
    void stop() {
        if (ecs != null) {
            ecs.close();
        }
        if (server != null) {
            server.close();
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void clusterLifecycle() {
        String name = unique("c");
        Cluster created = ecs.createCluster(r -> r.clusterName(name)
                        .tags(t -> t.key("team").value("core"))
                        .settings(s -> s.name("versionConsistency").value("disabled")))
                .cluster();
        assertThat(created.clusterArn()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:cluster/" + name);
        assertThat(created.status()).isEqualTo("ACTIVE");
        assertThat(created.settings()).singleElement().satisfies(s -> {
            assertThat(s.nameAsString()).isEqualTo("versionConsistency");
            assertThat(s.value()).isEqualTo("disabled");
        });
        // Idempotent create returns the existing cluster.
        assertThat(ecs.createCluster(r -> r.clusterName(name)).cluster().settings())
                .hasSize(1);

        DescribeClustersResponse described =
                ecs.describeClusters(r -> r.clusters(name, created.clusterArn(), "missing-" + name)
                        .include(ClusterField.TAGS, ClusterField.SETTINGS));
        assertThat(described.clusters())
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.tags())
                        .singleElement()
                        .satisfies(t -> assertThat(t.key()).isEqualTo("team")));
        assertThat(described.failures()).singleElement().satisfies(f -> {
            assertThat(f.reason()).isEqualTo("MISSING");
            assertThat(f.arn()).isEqualTo("arn:aws:ecs:us-east-1:123456789012:cluster/missing-" + name);
        });
        assertThat(ecs.listClustersPaginator(r -> r.maxResults(1)).clusterArns())
                .contains(created.clusterArn());

        Cluster updated = ecs.updateClusterSettings(r -> r.cluster(name)
                        .settings(
                                s -> s.name("containerInsights").value("enabled"),
                                s -> s.name("versionConsistency").value("enabled")))
                .cluster();
        assertThat(updated.settings())
                .extracting(s -> s.nameAsString() + "=" + s.value())
                .containsExactlyInAnyOrder("versionConsistency=enabled", "containerInsights=enabled");
        Cluster configured = ecs.updateCluster(r -> r.cluster(created.clusterArn())
                        .configuration(c -> c.executeCommandConfiguration(e -> e.logging("DEFAULT"))))
                .cluster();
        assertThat(configured.configuration().executeCommandConfiguration().loggingAsString())
                .isEqualTo("DEFAULT");

        Cluster deleted = ecs.deleteCluster(r -> r.cluster(name)).cluster();
        assertThat(deleted.status()).isEqualTo("INACTIVE");
        assertThat(ecs.describeClusters(r -> r.clusters(name)).clusters())
                .singleElement()
                .satisfies(c -> assertThat(c.status()).isEqualTo("INACTIVE"));
        assertThat(ecs.listClustersPaginator(r -> r.maxResults(100)).clusterArns())
                .doesNotContain(created.clusterArn());
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster(name))).isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.updateClusterSettings(r -> r.cluster(name)
                        .settings(s -> s.name("containerInsights").value("enabled"))))
                .isInstanceOf(ClusterNotFoundException.class);
    }

    @Test
    void clusterCountsAndDeleteRefusals() {
        String name = unique("held");
        ecs.createCluster(r -> r.clusterName(name));
        assertThat(counts(name)).isEqualTo(List.of(0, 0, 0, 0));
        assertThat(ecs.describeClusters(r -> r.clusters(name).include(ClusterField.STATISTICS))
                        .clusters()
                        .get(0)
                        .statistics())
                .extracting(s -> s.name() + "=" + s.value())
                .contains(
                        "runningEC2TasksCount=0",
                        "pendingEC2TasksCount=0",
                        "activeEC2ServiceCount=0",
                        "drainingEC2ServiceCount=0");

        ContainerInstance host = ecs.registerContainerInstance(r -> r.cluster(name)
                        .totalResources(
                                Resource.builder()
                                        .name("CPU")
                                        .type("INTEGER")
                                        .integerValue(1024)
                                        .build(),
                                Resource.builder()
                                        .name("MEMORY")
                                        .type("INTEGER")
                                        .integerValue(2048)
                                        .build())
                        .versionInfo(v -> v.agentVersion("ballast-test")))
                .containerInstance();
        assertThat(counts(name)).isEqualTo(List.of(1, 0, 0, 0));
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster(name)))
                .isInstanceOfSatisfying(
                        ClusterContainsContainerInstancesException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo(
                                        "The Cluster cannot be deleted while Container Instances are active or draining."));

        String family = unique("counted");
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/counted:v1")
                        .memory(128)
                        .versionConsistency("disabled")
                        .build()));
        List<Task> tasks = ecs.runTask(
                        r -> r.cluster(name).taskDefinition(family).count(2))
                .tasks();
        assertThat(tasks).hasSize(2);
        // No agent runs this instance: the tasks wait in PROVISIONING until it reports; it reports one RUNNING.
        assertThat(counts(name)).isEqualTo(List.of(1, 0, 2, 0));
        ecs.submitTaskStateChange(r -> r.cluster(name)
                .task(tasks.get(0).taskArn())
                .status("RUNNING")
                .containers(ContainerStateChange.builder()
                        .containerName("app")
                        .status("RUNNING")
                        .imageDigest("sha256:" + "b".repeat(64))
                        .runtimeId("r-1")
                        .build())
                .overrideConfiguration(AwsRequestOverrideConfiguration.builder()
                        .putHeader(Operation.INSTANCE_HEADER, host.containerInstanceArn())
                        .build()));
        assertThat(counts(name)).isEqualTo(List.of(1, 1, 1, 0));
        ecs.createService(
                r -> r.cluster(name).serviceName("idle").taskDefinition(family).desiredCount(0));
        assertThat(counts(name)).isEqualTo(List.of(1, 1, 1, 1));
        assertThat(ecs.describeClusters(r -> r.clusters(name).include(ClusterField.STATISTICS))
                        .clusters()
                        .get(0)
                        .statistics())
                .extracting(s -> s.name() + "=" + s.value())
                .contains("runningEC2TasksCount=1", "pendingEC2TasksCount=1", "activeEC2ServiceCount=1");

        // The instance leaves without its tasks being stopped (as a forced deregistration leaves them in ECS).
        var store = server.server().store();
        var row = store.instances().find(host.containerInstanceArn()).orElseThrow();
        assertThat(store.instances().update(row.value().withStatus("INACTIVE", "gone"), row.version()))
                .isTrue();
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster(name)))
                .isInstanceOfSatisfying(
                        ClusterContainsServicesException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The Cluster cannot be deleted while Services are active."));
        ecs.deleteService(r -> r.cluster(name).service("idle").force(true));
        Eventually.await(
                "service idle INACTIVE",
                Duration.ofSeconds(60),
                () -> ecs.describeServices(r -> r.cluster(name).services("idle"))
                        .services()
                        .get(0)
                        .status()
                        .equals("INACTIVE"));
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster(name)))
                .isInstanceOfSatisfying(
                        ClusterContainsTasksException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The Cluster cannot be deleted while Tasks are active."));
        assertThat(ecs.describeClusters(r -> r.clusters(name)).clusters().get(0).status())
                .isEqualTo("ACTIVE");
        for (Task t : tasks) {
            ecs.submitTaskStateChange(r -> r.cluster(name)
                    .task(t.taskArn())
                    .status("STOPPED")
                    .overrideConfiguration(AwsRequestOverrideConfiguration.builder()
                            .putHeader(Operation.INSTANCE_HEADER, host.containerInstanceArn())
                            .build()));
        }
        assertThat(counts(name)).isEqualTo(List.of(0, 0, 0, 0));
        assertThat(ecs.deleteCluster(r -> r.cluster(name)).cluster().status()).isEqualTo("INACTIVE");
    }

    /** registeredContainerInstancesCount, runningTasksCount, pendingTasksCount, activeServicesCount. */
    private List<Integer> counts(String cluster) {
        Cluster c = ecs.describeClusters(r -> r.clusters(cluster)).clusters().get(0);
        return List.of(
                c.registeredContainerInstancesCount(),
                c.runningTasksCount(),
                c.pendingTasksCount(),
                c.activeServicesCount());
    }

    @Test
    void runTaskClientTokenMakesOneSetOfTasksUnderConcurrency() throws Exception {
        String name = unique("token");
        ecs.createCluster(r -> r.clusterName(name));
        ecs.registerContainerInstance(r -> r.cluster(name)
                .totalResources(
                        Resource.builder()
                                .name("CPU")
                                .type("INTEGER")
                                .integerValue(102_400)
                                .build(),
                        Resource.builder()
                                .name("MEMORY")
                                .type("INTEGER")
                                .integerValue(204_800)
                                .build())
                .versionInfo(v -> v.agentVersion("ballast-test")));
        String family = unique("once");
        ecs.registerTaskDefinition(r -> r.family(family)
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/once:v1")
                        .memory(128)
                        .versionConsistency("disabled")
                        .build()));
        String token = unique("run");
        var pool = Executors.newFixedThreadPool(20);
        try {
            var start = new CountDownLatch(1);
            List<Future<List<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                calls.add(pool.submit(() -> {
                    start.await();
                    return ecs
                            .runTask(r -> r.cluster(name)
                                    .taskDefinition(family)
                                    .count(2)
                                    .clientToken(token))
                            .tasks()
                            .stream()
                            .map(Task::taskArn)
                            .sorted()
                            .toList();
                }));
            }
            start.countDown();
            List<List<String>> answers = new ArrayList<>();
            for (var call : calls) {
                answers.add(call.get(60, TimeUnit.SECONDS));
            }
            List<String> created = ecs.listTasks(r -> r.cluster(name)).taskArns().stream()
                    .sorted()
                    .toList();
            assertThat(created).hasSize(2);
            assertThat(answers).allSatisfy(a -> assertThat(a).isEqualTo(created));
            // ECS: the same token with different parameters is a ConflictException naming the token's tasks
            assertThatThrownBy(() -> ecs.runTask(
                            r -> r.cluster(name).taskDefinition(family).count(3).clientToken(token)))
                    .isInstanceOfSatisfying(
                            ConflictException.class,
                            e -> assertThat(e.resourceIds()).containsExactlyInAnyOrderElementsOf(created));
            assertThat(ecs.listTasks(r -> r.cluster(name)).taskArns()).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void clusterErrorsAreModeled() {
        assertThatThrownBy(() -> ecs.createCluster(r -> r.clusterName("bad name!")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("clusterName");
        String name = unique("c");
        ecs.createCluster(r -> r.clusterName(name));
        assertThatThrownBy(() -> ecs.updateClusterSettings(r -> r.cluster(name)
                        .settings(s -> s.name("versionConsistency").value("sometimes"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("sometimes")
                .hasMessageContaining("versionConsistency")
                .hasMessageContaining("Accepted values: enabled or consistent (strict), best-effort, disabled.");
        for (String value : List.of("enabled", "consistent", "best-effort", "disabled")) {
            assertThat(ecs.updateClusterSettings(r -> r.cluster(name)
                                    .settings(s -> s.name("versionConsistency").value(value)))
                            .cluster()
                            .settings())
                    .anySatisfy(s -> assertThat(s.value()).isEqualTo(value));
        }
        assertThatThrownBy(
                        () -> ecs.deleteCluster(r -> r.cluster("arn:aws:ecs:eu-west-1:123456789012:cluster/" + name)))
                .isInstanceOf(ClusterNotFoundException.class);
    }

    @Test
    void everyContainerDefinitionFieldRoundTrips() {
        ContainerDefinition app = FullContainerDefinition.app();
        for (SdkField<?> f : app.sdkFields()) {
            assertThat(f.getValueOrDefault(app))
                    .as("test sets ContainerDefinition.%s", f.memberName())
                    .isNotNull();
        }
        String family = unique("full");
        TaskDefinition registered = ecs.registerTaskDefinition(r -> r.family(family)
                        .containerDefinitions(app, FullContainerDefinition.sidecar())
                        .volumes(v -> v.name("data").host(h -> h.sourcePath("/var/data")))
                        .taskRoleArn("arn:aws:iam::123456789012:role/app")
                        .executionRoleArn("arn:aws:iam::123456789012:role/exec")
                        .networkMode("bridge")
                        .pidMode("task")
                        .ipcMode("task")
                        .cpu("1024")
                        .memory("1 GB")
                        .placementConstraints(p -> p.type("memberOf").expression("attribute:ecs.os-type == linux"))
                        .runtimePlatform(p -> p.operatingSystemFamily("LINUX").cpuArchitecture("X86_64"))
                        .tags(t -> t.key("owner").value("me")))
                .taskDefinition();
        assertThat(registered.revision()).isEqualTo(1);
        assertThat(registered.taskDefinitionArn())
                .isEqualTo("arn:aws:ecs:us-east-1:123456789012:task-definition/" + family + ":1");

        var described = ecs.describeTaskDefinition(r -> r.taskDefinition(family).include(TaskDefinitionField.TAGS));
        TaskDefinition td = described.taskDefinition();
        assertThat(td.containerDefinitions().get(0)).isEqualTo(app);
        assertThat(td.containerDefinitions().get(0).versionConsistencyAsString())
                .isEqualTo("consistent");
        assertThat(td.containerDefinitions().get(1).versionConsistencyAsString())
                .isEqualTo("disabled");
        assertThat(td.status()).isEqualTo(TaskDefinitionStatus.ACTIVE);
        assertThat(td.memory()).isEqualTo("1 GB");
        assertThat(td.pidModeAsString()).isEqualTo("task");
        assertThat(td.registeredAt()).isNotNull();
        assertThat(described.tags())
                .singleElement()
                .satisfies(t -> assertThat(t.value()).isEqualTo("me"));
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition(registered.taskDefinitionArn()))
                        .taskDefinition())
                .isEqualTo(td);
    }

    @Test
    void versionConsistencyValuesAreEchoedExactly() {
        String family = unique("vc");
        List<String> values = new ArrayList<>(List.of("enabled", "consistent", "disabled", "default"));
        List<ContainerDefinition> containers = new ArrayList<>();
        for (String v : values) {
            containers.add(ContainerDefinition.builder()
                    .name("c-" + v)
                    .image("busybox:1.36")
                    .memory(16)
                    .versionConsistency(v)
                    .build());
        }
        containers.add(ContainerDefinition.builder()
                .name("c-absent")
                .image("busybox")
                .memory(16)
                .build());
        ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(containers));
        List<ContainerDefinition> echoed = ecs.describeTaskDefinition(r -> r.taskDefinition(family + ":1"))
                .taskDefinition()
                .containerDefinitions();
        assertThat(echoed)
                .extracting(ContainerDefinition::versionConsistencyAsString)
                .containsExactly("enabled", "consistent", "disabled", "default", null);

        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family(family)
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("web")
                                .image("nginx")
                                .memory(64)
                                .versionConsistency("always")
                                .build())))
                .isInstanceOfSatisfying(
                        ClientException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .contains("'web'")
                                .contains("always")
                                .contains("enabled, consistent, disabled, default"));
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix(family)).taskDefinitionArns())
                .hasSize(1);
    }

    @Test
    void describeDeregisterAndDelete() {
        String family = unique("life");
        ContainerDefinition c = ContainerDefinition.builder()
                .name("web")
                .image("nginx:1.27")
                .memory(64)
                .build();
        ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(c));
        ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(c));
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition(family))
                        .taskDefinition()
                        .revision())
                .isEqualTo(2);

        TaskDefinition dereg = ecs.deregisterTaskDefinition(r -> r.taskDefinition(family + ":2"))
                .taskDefinition();
        assertThat(dereg.status()).isEqualTo(TaskDefinitionStatus.INACTIVE);
        assertThat(dereg.deregisteredAt()).isNotNull();
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition(family))
                        .taskDefinition()
                        .revision())
                .isEqualTo(1);
        assertThat(ecs.describeTaskDefinition(r -> r.taskDefinition(family + ":2"))
                        .taskDefinition()
                        .status())
                .isEqualTo(TaskDefinitionStatus.INACTIVE);
        assertThat(ecs.listTaskDefinitions(r -> r.familyPrefix(family).status(TaskDefinitionStatus.INACTIVE))
                        .taskDefinitionArns())
                .singleElement()
                .asString()
                .endsWith(family + ":2");
        assertThatThrownBy(() -> ecs.deregisterTaskDefinition(r -> r.taskDefinition(family + ":2")))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("already inactive");
        assertThatThrownBy(() -> ecs.deregisterTaskDefinition(r -> r.taskDefinition(family)))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("family:revision");

        var deleted = ecs.deleteTaskDefinitions(r -> r.taskDefinitions(family + ":1", family + ":2", family + ":9"));
        assertThat(deleted.taskDefinitions())
                .singleElement()
                .satisfies(td -> assertThat(td.status()).isEqualTo(TaskDefinitionStatus.DELETE_IN_PROGRESS));
        assertThat(deleted.failures())
                .extracting(f -> f.reason())
                .anySatisfy(reason -> assertThat(reason).contains("ACTIVE"))
                .contains("MISSING");

        assertThat(ecs.listTaskDefinitionFamiliesPaginator(r -> r.familyPrefix(family))
                        .families())
                .containsExactly(family);
        ecs.deregisterTaskDefinition(r -> r.taskDefinition(family + ":1"));
        assertThat(ecs.listTaskDefinitionFamiliesPaginator(r -> r.familyPrefix(family))
                        .families())
                .isEmpty();
        assertThat(ecs.listTaskDefinitionFamiliesPaginator(
                                r -> r.familyPrefix(family).status(TaskDefinitionFamilyStatus.INACTIVE))
                        .families())
                .containsExactly(family);
        assertThat(ecs.listTaskDefinitionFamiliesPaginator(
                                r -> r.familyPrefix(family).status(TaskDefinitionFamilyStatus.ALL))
                        .families())
                .containsExactly(family);
        assertThatThrownBy(() -> ecs.describeTaskDefinition(r -> r.taskDefinition(family)))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("Unable to describe task definition");
    }

    @Test
    void paginatorsWalk250TaskDefinitions() {
        String family = unique("page");
        ContainerDefinition c = ContainerDefinition.builder()
                .name("web")
                .image("nginx")
                .memory(32)
                .build();
        for (int i = 0; i < 250; i++) {
            ecs.registerTaskDefinition(r -> r.family(family).containerDefinitions(c));
        }
        List<String> asc =
                ecs
                        .listTaskDefinitionsPaginator(
                                r -> r.familyPrefix(family).maxResults(100))
                        .taskDefinitionArns()
                        .stream()
                        .toList();
        assertThat(asc).hasSize(250);
        for (int i = 0; i < 250; i++) {
            assertThat(asc.get(i)).endsWith(":" + (i + 1));
        }
        assertThat(ecs
                        .listTaskDefinitionsPaginator(
                                r -> r.familyPrefix(family).sort(SortOrder.DESC).maxResults(7))
                        .taskDefinitionArns()
                        .stream()
                        .toList())
                .hasSize(250)
                .first()
                .asString()
                .endsWith(":250");
        assertThat(ecs.listTaskDefinitionsPaginator(r -> r.familyPrefix(family)).stream())
                .hasSize(3);

        String prefix = unique("fam");
        for (int i = 0; i < 12; i++) {
            String f = prefix + "-" + i;
            ecs.registerTaskDefinition(r -> r.family(f).containerDefinitions(c));
        }
        assertThat(ecs
                        .listTaskDefinitionFamiliesPaginator(ListTaskDefinitionFamiliesRequest.builder()
                                .familyPrefix(prefix)
                                .maxResults(5)
                                .build())
                        .families()
                        .stream()
                        .toList())
                .hasSize(12);
        assertThatThrownBy(() -> ecs.listTaskDefinitions(r -> r.maxResults(101)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("maxResults");
        assertThatThrownBy(() -> ecs.listTaskDefinitions(r -> r.nextToken("not-a-token")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("nextToken");
    }

    @Test
    void taskDefinitionValidationNamesTheField() {
        record Case(String why, ContainerDefinition container, String expected) {}
        List<Case> cases = List.of(
                new Case(
                        "no image",
                        ContainerDefinition.builder().name("a").memory(32).build(),
                        "'image'"),
                new Case(
                        "bad image",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("Not A/Ref::x")
                                .memory(32)
                                .build(),
                        "'image'"),
                new Case(
                        "uppercase repo",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("Nginx:1")
                                .memory(32)
                                .build(),
                        "lowercase"),
                new Case(
                        "no memory",
                        ContainerDefinition.builder().name("a").image("nginx").build(),
                        "memoryReservation"),
                new Case(
                        "tiny memory",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(2)
                                .build(),
                        "'memory'"),
                new Case(
                        "reservation over limit",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(64)
                                .memoryReservation(128)
                                .build(),
                        "'memoryReservation'"),
                new Case(
                        "bad name",
                        ContainerDefinition.builder()
                                .name("a b")
                                .image("nginx")
                                .memory(32)
                                .build(),
                        "container name"),
                new Case(
                        "dangling dependsOn",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .dependsOn(d -> d.containerName("ghost").condition("START"))
                                .build(),
                        "'dependsOn'"),
                new Case(
                        "unknown volume",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .mountPoints(m -> m.sourceVolume("nope").containerPath("/x"))
                                .build(),
                        "sourceVolume"),
                new Case(
                        "blank credentialsParameter",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .repositoryCredentials(c -> c.credentialsParameter(" "))
                                .build(),
                        "'repositoryCredentials.credentialsParameter'"),
                new Case(
                        "not essential",
                        ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .essential(false)
                                .build(),
                        "essential"));
        for (Case c : cases) {
            assertThatThrownBy(() -> ecs.registerTaskDefinition(
                            r -> r.family(unique("bad")).containerDefinitions(c.container())))
                    .as(c.why())
                    .isInstanceOfSatisfying(
                            ClientException.class,
                            e -> assertThat(e.awsErrorDetails().errorMessage()).contains(c.expected()));
        }
        List<ContainerDefinition> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(ContainerDefinition.builder()
                    .name("c" + i)
                    .image("nginx")
                    .memory(8)
                    .build());
        }
        assertThatThrownBy(() -> ecs.registerTaskDefinition(
                        r -> r.family(unique("eleven")).containerDefinitions(eleven)))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("at most 10");
        String big = "x".repeat(70_000);
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family(unique("big"))
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .environment(e -> e.name("BIG").value(big))
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("64 KiB");
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family(unique("fg"))
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("Fargate requires that 'cpu' be defined at the task level.");
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family(unique("sum"))
                        .memory("64")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(128)
                                .build())))
                .isInstanceOf(ClientException.class)
                .hasMessageContaining("memory");
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family(unique("enum"))
                        .networkMode("mesh")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .build())))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("networkMode");
    }

    @Test
    void dependsOnCyclesAndExitConditionsOnEssentialContainersAreRefused() {
        ContainerDefinition.Builder base =
                ContainerDefinition.builder().image("nginx").memory(32);
        ContainerDefinition init = base.copy().name("init").essential(false).build();
        ContainerDefinition app = base.copy()
                .name("app")
                .dependsOn(d -> d.containerName("init").condition("SUCCESS"))
                .build();
        TaskDefinition ok = ecs.registerTaskDefinition(
                        r -> r.family(unique("deps")).containerDefinitions(init, app))
                .taskDefinition();
        assertThat(ok.containerDefinitions().get(1).dependsOn())
                .singleElement()
                .satisfies(d -> assertThat(d.conditionAsString()).isEqualTo("SUCCESS"));

        ContainerDefinition a = base.copy()
                .name("a")
                .dependsOn(d -> d.containerName("b").condition("START"))
                .build();
        ContainerDefinition b = base.copy()
                .name("b")
                .dependsOn(d -> d.containerName("c").condition("START"))
                .build();
        ContainerDefinition c = base.copy()
                .name("c")
                .dependsOn(d -> d.containerName("a").condition("HEALTHY"))
                .build();
        assertThatThrownBy(() -> ecs.registerTaskDefinition(
                        r -> r.family(unique("cycle")).containerDefinitions(a, b, c)))
                .isInstanceOfSatisfying(
                        ClientException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo(
                                        "Invalid 'dependsOn' for container 'a': the container dependencies form a cycle (a -> b -> c -> a)."));

        ContainerDefinition essentialInit = base.copy().name("init").build();
        assertThatThrownBy(() -> ecs.registerTaskDefinition(
                        r -> r.family(unique("ess")).containerDefinitions(essentialInit, app)))
                .isInstanceOfSatisfying(
                        ClientException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .contains("'dependsOn' condition 'SUCCESS' for container 'app'")
                                .contains("'init' is essential"));
    }

    @Test
    void accountSettings() {
        var put = ecs.putAccountSettingDefault(r -> r.name("versionConsistency").value("disabled"))
                .setting();
        assertThat(put.principalArn()).isEqualTo("arn:aws:iam::123456789012:root");
        String role = "arn:aws:iam::123456789012:role/" + unique("deployer");
        ecs.putAccountSetting(r -> r.name("versionConsistency").value("enabled").principalArn(role));

        var effectiveRoot = ecs.listAccountSettings(
                        r -> r.name("versionConsistency").effectiveSettings(true))
                .settings();
        assertThat(effectiveRoot)
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo("disabled"));
        var effectiveRole = ecs.listAccountSettings(
                        r -> r.name("versionConsistency").principalArn(role).effectiveSettings(true))
                .settings();
        assertThat(effectiveRole)
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo("enabled"));
        assertThat(ecs
                        .listAccountSettingsPaginator(
                                r -> r.effectiveSettings(true).maxResults(3))
                        .settings()
                        .stream()
                        .map(s -> s.nameAsString()))
                .contains("serviceLongArnFormat", "versionConsistency")
                .doesNotHaveDuplicates();

        var deleted = ecs.deleteAccountSetting(r -> r.name("versionConsistency").principalArn(role))
                .setting();
        assertThat(deleted.value()).isEqualTo("enabled");
        assertThat(ecs.listAccountSettings(r ->
                                r.name("versionConsistency").principalArn(role).effectiveSettings(true))
                        .settings())
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo("disabled"));
        ecs.deleteAccountSetting(r -> r.name("versionConsistency"));
        assertThat(ecs.listAccountSettings(r -> r.name("versionConsistency").effectiveSettings(true))
                        .settings())
                .as("unset, the policy's system default decides: best-effort")
                .singleElement()
                .satisfies(s -> assertThat(s.value()).isEqualTo("best-effort"));

        for (String value : List.of("enabled", "consistent", "best-effort", "disabled")) {
            assertThat(ecs.putAccountSetting(r ->
                                    r.name("versionConsistency").value(value).principalArn(role))
                            .setting()
                            .value())
                    .isEqualTo(value);
        }
        ecs.deleteAccountSetting(r -> r.name("versionConsistency").principalArn(role));
        assertThatThrownBy(() ->
                        ecs.putAccountSetting(r -> r.name("versionConsistency").value("maybe")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("maybe")
                .hasMessageContaining("'versionConsistency'")
                .hasMessageContaining("Accepted values: enabled or consistent (strict), best-effort, disabled.");
        assertThatThrownBy(
                        () -> ecs.putAccountSetting(r -> r.name("noSuchSetting").value("enabled")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("noSuchSetting");
        assertThatThrownBy(() -> ecs.putAccountSetting(r ->
                        r.name("versionConsistency").value("enabled").principalArn("arn:aws:iam::999999999999:root")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("principalArn");
    }

    @Test
    void tags() {
        String name = unique("tagged");
        String arn = ecs.createCluster(r -> r.clusterName(name)).cluster().clusterArn();
        ecs.tagResource(r -> r.resourceArn(arn)
                .tags(t -> t.key("a").value("1"), t -> t.key("b").value("2")));
        ecs.tagResource(r -> r.resourceArn(arn).tags(t -> t.key("a").value("3")));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(arn)).tags())
                .extracting(t -> t.key() + "=" + t.value())
                .containsExactly("a=3", "b=2");
        ecs.untagResource(r -> r.resourceArn(arn).tagKeys("a", "zzz"));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(arn)).tags())
                .extracting(t -> t.key())
                .containsExactly("b");

        String family = unique("tagtd");
        String tdArn = ecs.registerTaskDefinition(r -> r.family(family)
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("a")
                                .image("nginx")
                                .memory(32)
                                .build()))
                .taskDefinition()
                .taskDefinitionArn();
        ecs.tagResource(r -> r.resourceArn(tdArn).tags(t -> t.key("k").value("v")));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(tdArn)).tags()).hasSize(1);

        assertThatThrownBy(() -> ecs.listTagsForResource(
                        r -> r.resourceArn("arn:aws:ecs:us-east-1:123456789012:cluster/" + unique("none"))))
                .isInstanceOf(ClusterNotFoundException.class);
        assertThatThrownBy(() -> ecs.tagResource(r -> r.resourceArn(tdArn.substring(0, tdArn.length() - 2) + ":7")
                        .tags(t -> t.key("k").value("v"))))
                .isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> ecs.listTagsForResource(r -> r.resourceArn("not-an-arn")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("resourceArn");
        assertThatThrownBy(() -> ecs.tagResource(
                        r -> r.resourceArn(arn).tags(t -> t.key("aws:x").value("v"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("aws:");
        List<Tag> many = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            many.add(Tag.builder().key("k" + i).value("v").build());
        }
        assertThatThrownBy(() -> ecs.tagResource(r -> r.resourceArn(arn).tags(many)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("50");
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(arn)).tags()).hasSize(1);
    }

    @Test
    void requestIdOnEveryAnswer() {
        var ok = ecs.listClusters();
        assertThat(ok.responseMetadata().requestId()).isNotBlank().isNotEqualTo("UNKNOWN");
        assertThatThrownBy(() -> ecs.deleteCluster(r -> r.cluster(unique("none"))))
                .isInstanceOfSatisfying(EcsException.class, e -> {
                    assertThat(e.requestId()).isNotBlank();
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ClusterNotFoundException");
                });
    }
}
