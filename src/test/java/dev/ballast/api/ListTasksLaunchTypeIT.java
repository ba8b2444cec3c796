package dev.ballast.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.InvalidParameterException;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * ListTasks' {@code launchType} filter through the AWS SDK against a running server whose embedded instance offers
 * serverless capacity: EC2 and FARGATE each list only their own tasks, page by page (a page of one at a time), and
 * an unknown launch type is refused, naming it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListTasksLaunchTypeIT {
    private RegistryFixture registry;
    private TestServer server;
    private EcsClient ecs;

    @BeforeAll
    void start() {
        registry = RegistryFixture.start();
        registry.images().push("demo/app:v1", TestImages.Format.OCI, "app-1");
        server = TestServer.sqlite(c -> c.simulatedInstances(1));
        ecs = server.client();
        ContainerDefinition app = ContainerDefinition.builder()
                .name("app")
                .image(registry.host() + "/demo/app:v1")
                .memory(16)
                .build();
        ecs.registerTaskDefinition(r -> r.family("fg")
                .requiresCompatibilitiesWithStrings("FARGATE")
                .networkMode(NetworkMode.AWSVPC)
                .cpu("256")
                .memory("512")
                .containerDefinitions(app));
        ecs.registerTaskDefinition(r -> r.family("plain").containerDefinitions(app));
    }

    @AfterAll
    void stop() {
        ecs.close();
        server.close();
        registry.close();
    }

    @Test
    void eachLaunchTypeListsOnlyItsOwnTasksPageByPage() {
        Set<String> fargate = arns(ecs.runTask(r -> r.taskDefinition("fg")
                .launchType(LaunchType.FARGATE)
                .count(3)
                .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-a")))));
        Set<String> ec2 = arns(ecs.runTask(r -> r.taskDefinition("plain").count(2)));
        assertThat(fargate).hasSize(3);
        assertThat(ec2).hasSize(2);

        assertThat(listed(null, 100)).as("no filter: all").containsExactlyInAnyOrderElementsOf(union(fargate, ec2));
        assertThat(listed(LaunchType.FARGATE, 100)).containsExactlyInAnyOrderElementsOf(fargate);
        assertThat(listed(LaunchType.EC2, 100)).containsExactlyInAnyOrderElementsOf(ec2);
        assertThat(listed(LaunchType.FARGATE, 1))
                .as("one a page: every FARGATE task once, no EC2 task")
                .containsExactlyInAnyOrderElementsOf(fargate);
        assertThat(listed(LaunchType.EC2, 1)).containsExactlyInAnyOrderElementsOf(ec2);
        assertThat(listed(LaunchType.EXTERNAL, 100)).isEmpty();

        assertThatThrownBy(() -> ecs.listTasks(r -> r.launchType("SPACE")))
                .isInstanceOf(InvalidParameterException.class)
                .hasMessageContaining("'SPACE'")
                .hasMessageContaining("launchType");
    }

    /** Every task ListTasks gives with {@code launchType} (null: no filter), {@code pageSize} a call, in order. */
    private List<String> listed(LaunchType launchType, int pageSize) {
        List<String> out = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            String next = token;
            ListTasksResponse page = ecs.listTasks(
                    r -> r.launchType(launchType).maxResults(pageSize).nextToken(next));
            assertThat(page.taskArns()).hasSizeLessThanOrEqualTo(pageSize);
            out.addAll(page.taskArns());
            token = page.nextToken();
            assertThat(++pages).as("pages end").isLessThan(20);
        } while (token != null);
        return out;
    }

    private static Set<String> arns(RunTaskResponse run) {
        assertThat(run.failures()).isEmpty();
        return run.tasks().stream().map(Task::taskArn).collect(Collectors.toSet());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }
}
