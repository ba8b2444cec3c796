package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.Eventually;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ClientException;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.EFSVolumeConfiguration;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.Resource;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;
import software.amazon.awssdk.services.ecs.model.Volume;

/**
 * ECS behaviour that moto's test suite and the AWS API model expect (issue 9, items 14 and 16), through the
 * AWS SDK against an in-process server with one registered container instance and no agent (tasks stay
 * PROVISIONING, which is all these need): RunTask tags, DescribeServices' failure ARN, the EFS root
 * directory default, and the error texts users quote from ECS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EcsParityTest {
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        server = TestServer.sqlite(c -> c.simulatedInstances(0));
        ecs = server.client();
        ecs.createCluster(c -> c.clusterName("parity"));
        ecs.registerContainerInstance(r -> r.cluster("parity")
                .totalResources(
                        Resource.builder()
                                .name("CPU")
                                .type("INTEGER")
                                .integerValue(4096)
                                .build(),
                        Resource.builder()
                                .name("MEMORY")
                                .type("INTEGER")
                                .integerValue(8192)
                                .build())
                .versionInfo(v -> v.agentVersion("ballast-test")));
        ecs.registerTaskDefinition(r -> r.family("tagged")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("127.0.0.1:9/demo/tagged:v1")
                        .memory(16)
                        .versionConsistency("disabled")
                        .build())
                .tags(tag("team", "td-team"), tag("tier", "td-tier")));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
    }

    private static Tag tag(String key, String value) {
        return Tag.builder().key(key).value(value).build();
    }

    @Test
    void runTaskTagsAreTheTasksTags() {
        RunTaskResponse run = ecs.runTask(r ->
                r.cluster("parity").taskDefinition("tagged").count(2).tags(tag("env", "test"), tag("owner", "me")));
        assertThat(run.tasks())
                .hasSize(2)
                .allSatisfy(
                        t -> assertThat(t.tags()).containsExactlyInAnyOrder(tag("env", "test"), tag("owner", "me")));
        List<String> arns = run.tasks().stream().map(Task::taskArn).toList();

        assertThat(ecs.describeTasks(r -> r.cluster("parity").tasks(arns)).tasks())
                .hasSize(2)
                .allSatisfy(t -> assertThat(t.hasTags()).isFalse());
        assertThat(ecs.describeTasks(r -> r.cluster("parity").tasks(arns).include(TaskField.TAGS))
                        .tasks())
                .hasSize(2)
                .allSatisfy(
                        t -> assertThat(t.tags()).containsExactlyInAnyOrder(tag("env", "test"), tag("owner", "me")));

        String first = arns.getFirst();
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(first)).tags())
                .containsExactlyInAnyOrder(tag("env", "test"), tag("owner", "me"));
        ecs.tagResource(r -> r.resourceArn(first).tags(tag("env", "prod"), tag("added", "yes")));
        ecs.untagResource(r -> r.resourceArn(first).tagKeys("owner"));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(first)).tags())
                .containsExactlyInAnyOrder(tag("env", "prod"), tag("added", "yes"));
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(arns.get(1))).tags())
                .containsExactlyInAnyOrder(tag("env", "test"), tag("owner", "me"));

        Task untagged = ecs.runTask(r -> r.cluster("parity").taskDefinition("tagged"))
                .tasks()
                .getFirst();
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(untagged.taskArn()))
                        .tags())
                .isEmpty();
    }

    @Test
    void propagateTagsTaskDefinitionCopiesTheRevisionsTagsUnderTheRequestsOwn() {
        Task t = ecs.runTask(r -> r.cluster("parity")
                        .taskDefinition("tagged")
                        .propagateTags(PropagateTags.TASK_DEFINITION)
                        .tags(tag("team", "mine")))
                .tasks()
                .getFirst();
        assertThat(ecs.listTagsForResource(r -> r.resourceArn(t.taskArn())).tags())
                .containsExactlyInAnyOrder(tag("team", "mine"), tag("tier", "td-tier"));
        assertThatThrownBy(() -> ecs.runTask(
                        r -> r.cluster("parity").taskDefinition("tagged").propagateTags(PropagateTags.SERVICE)))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("propagateTags");
    }

    @Test
    void aServicesTasksGetTheTagsItPropagates() {
        ecs.createService(r -> r.cluster("parity")
                .serviceName("propagating")
                .taskDefinition("tagged")
                .desiredCount(1)
                .propagateTags(PropagateTags.SERVICE)
                .tags(tag("svc", "propagating")));
        ecs.createService(r -> r.cluster("parity")
                .serviceName("from-td")
                .taskDefinition("tagged")
                .desiredCount(1)
                .propagateTags(PropagateTags.TASK_DEFINITION));
        ecs.createService(r -> r.cluster("parity")
                .serviceName("plain")
                .taskDefinition("tagged")
                .desiredCount(1)
                .tags(tag("svc", "plain")));
        for (String name : List.of("propagating", "from-td", "plain")) {
            Eventually.await(
                    "a task of " + name,
                    Duration.ofSeconds(30),
                    () -> !ecs.listTasks(r -> r.cluster("parity").serviceName(name))
                            .taskArns()
                            .isEmpty());
        }
        assertThat(serviceTaskTags("propagating")).containsExactly(tag("svc", "propagating"));
        assertThat(serviceTaskTags("from-td"))
                .containsExactlyInAnyOrder(tag("team", "td-team"), tag("tier", "td-tier"));
        assertThat(serviceTaskTags("plain")).isEmpty();
        for (String name : List.of("propagating", "from-td", "plain")) {
            ecs.deleteService(r -> r.cluster("parity").service(name).force(true));
        }
    }

    private List<Tag> serviceTaskTags(String service) {
        String arn = ecs.listTasks(r -> r.cluster("parity").serviceName(service))
                .taskArns()
                .getFirst();
        return ecs.describeTasks(r -> r.cluster("parity").tasks(arn).include(TaskField.TAGS))
                .tasks()
                .getFirst()
                .tags();
    }

    @Test
    void badRunTaskTagsLaunchNothing() {
        assertThatThrownBy(() -> ecs.runTask(r -> r.cluster("parity")
                        .taskDefinition("tagged")
                        .startedBy("bad-tags")
                        .tags(tag("aws:owner", "x"))))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("aws:");
        assertThat(ecs.listTasks(r -> r.cluster("parity").startedBy("bad-tags")).taskArns())
                .isEmpty();
    }

    @Test
    void describeServicesNamesAMissingServiceByItsShortArn() {
        var described = ecs.describeServices(r ->
                r.cluster("parity").services("ghost", "arn:aws:ecs:us-east-1:123456789012:service/parity/phantom"));
        assertThat(described.failures())
                .extracting(f -> f.arn() + " " + f.reason())
                .containsExactly(
                        "arn:aws:ecs:us-east-1:123456789012:service/ghost MISSING",
                        "arn:aws:ecs:us-east-1:123456789012:service/parity/phantom MISSING");
    }

    @Test
    void anEfsVolumeWithoutRootDirectoryMountsTheRoot() {
        ecs.registerTaskDefinition(r -> r.family("efs")
                .containerDefinitions(ContainerDefinition.builder()
                        .name("app")
                        .image("busybox")
                        .memory(16)
                        .build())
                .volumes(
                        Volume.builder()
                                .name("shared")
                                .efsVolumeConfiguration(e -> e.fileSystemId("fs-12345678"))
                                .build(),
                        Volume.builder()
                                .name("sub")
                                .efsVolumeConfiguration(
                                        e -> e.fileSystemId("fs-12345678").rootDirectory("/data"))
                                .build()));
        List<EFSVolumeConfiguration> efs =
                ecs.describeTaskDefinition(r -> r.taskDefinition("efs")).taskDefinition().volumes().stream()
                        .map(Volume::efsVolumeConfiguration)
                        .toList();
        assertThat(efs).extracting(EFSVolumeConfiguration::rootDirectory).containsExactly("/", "/data");
    }

    @Test
    void errorTextsAreEcss() {
        assertThatThrownBy(() -> ecs.registerTaskDefinition(r -> r.family("nomem")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("web")
                                .image("busybox")
                                .build())))
                .isInstanceOfSatisfying(
                        ClientException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo(
                                        "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified."));
        ecs.createService(r -> r.cluster("parity")
                .serviceName("scaled")
                .taskDefinition("tagged")
                .desiredCount(1));
        assertThatThrownBy(() -> ecs.deleteService(r -> r.cluster("parity").service("scaled")))
                .isInstanceOfSatisfying(
                        InvalidParameterException.class,
                        e -> assertThat(e.awsErrorDetails().errorMessage())
                                .isEqualTo("The service cannot be stopped while it is scaled above 0."));
        ecs.deleteService(r -> r.cluster("parity").service("scaled").force(true));
    }
}
