package dev.ballast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.schedule.Capacity;
import dev.ballast.testing.AgentProcess;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PlacementConstraintType;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * {@code ballast agent --serverless} opts a host into serverless capacity (issue 12, item 1): of two remote agents
 * (simulated runtime, a CNCF registry image) only the one started with {@code --serverless} publishes
 * {@code ballast.serverless=true}, and FARGATE tasks run there and nowhere else.
 */
class ServerlessAgentIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String CLUSTER = "default";

    @Test
    void fargateTasksRunOnTheAgentThatOptedIn(@TempDir Path dir) throws Exception {
        try (RegistryFixture registry = RegistryFixture.start();
                TestServer server = TestServer.sqlite(c -> c.simulatedInstances(0));
                EcsClient ecs = server.client()) {
            registry.images().push("demo/serverless:v1", TestImages.Format.OCI, "serverless");
            ecs.createCluster(c -> c.clusterName(CLUSTER));
            AgentProcess serverless = AgentProcess.start(
                    server.endpoint(), CLUSTER, Files.createDirectories(dir.resolve("a")), "--serverless");
            AgentProcess ec2Only = AgentProcess.start(
                    server.endpoint(),
                    CLUSTER,
                    Files.createDirectories(dir.resolve("b")),
                    "--attribute",
                    "ecs.instance-type=m5.large",
                    "--attribute",
                    "rack=r1");
            try {
                Eventually.await(
                        "both agents registered", WAIT, () -> instances(ecs).size() == 2);
                List<ContainerInstance> offering = instances(ecs).stream()
                        .filter(ci -> ci.attributes().stream()
                                .anyMatch(a ->
                                        a.name().equals(Capacity.SERVERLESS_ATTRIBUTE) && "true".equals(a.value())))
                        .toList();
                assertThat(offering).hasSize(1);
                String serverlessArn = offering.getFirst().containerInstanceArn();

                ecs.registerTaskDefinition(r -> r.family("fg")
                        .requiresCompatibilitiesWithStrings("FARGATE")
                        .networkMode(NetworkMode.AWSVPC)
                        .cpu("256")
                        .memory("512")
                        .containerDefinitions(c -> c.name("app").image(registry.host() + "/demo/serverless:v1")));
                RunTaskResponse run = ecs.runTask(r -> r.cluster(CLUSTER)
                        .taskDefinition("fg")
                        .launchType(LaunchType.FARGATE)
                        .count(4)
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-a"))));
                assertThat(run.failures()).isEmpty();
                assertThat(run.tasks()).hasSize(4);
                for (Task t : run.tasks()) {
                    EcsTasks.await(
                            ecs,
                            "FARGATE task RUNNING",
                            t.taskArn(),
                            WAIT,
                            x -> x.lastStatus().equals("RUNNING"));
                }
                assertThat(run.tasks().stream()
                                .map(t -> server.server()
                                        .store()
                                        .tasks()
                                        .find(t.taskArn())
                                        .orElseThrow()
                                        .value()
                                        .containerInstanceArn())
                                .collect(Collectors.toSet()))
                        .containsExactly(serverlessArn);

                // --attribute: the other agent registered its instance type, which memberOf constraints read
                ContainerInstance typed = instances(ecs).stream()
                        .filter(ci -> !ci.containerInstanceArn().equals(serverlessArn))
                        .findFirst()
                        .orElseThrow();
                assertThat(typed.attributes())
                        .extracting(a -> a.name() + "=" + a.value())
                        .contains("ecs.instance-type=m5.large", "rack=r1");
                ecs.registerTaskDefinition(r -> r.family("ec2")
                        .containerDefinitions(c -> c.name("app")
                                .image(registry.host() + "/demo/serverless:v1")
                                .memory(16)));
                RunTaskResponse placed = ecs.runTask(r -> r.cluster(CLUSTER)
                        .taskDefinition("ec2")
                        .count(3)
                        .placementConstraints(p -> p.type(PlacementConstraintType.MEMBER_OF)
                                .expression("attribute:ecs.instance-type == m5.large")));
                assertThat(placed.tasks())
                        .hasSize(3)
                        .allSatisfy(t -> assertThat(t.containerInstanceArn()).isEqualTo(typed.containerInstanceArn()));
            } finally {
                serverless.close();
                ec2Only.close();
            }
        }
    }

    private static List<ContainerInstance> instances(EcsClient ecs) {
        List<String> arns = ecs.listContainerInstances(r -> r.cluster(CLUSTER)).containerInstanceArns();
        return arns.isEmpty()
                ? List.of()
                : ecs.describeContainerInstances(r -> r.cluster(CLUSTER).containerInstances(arns))
                        .containerInstances();
    }
}
