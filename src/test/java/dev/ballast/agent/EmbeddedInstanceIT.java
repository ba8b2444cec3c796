package dev.ballast.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.RuntimeChoice;
import dev.ballast.cli.ServerConfig;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages.Format;
import dev.ballast.testing.TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.ContainerInstance;
import software.amazon.awssdk.services.ecs.model.Resource;

/**
 * What the embedded container instance registers (issue 9, item 18): on a container engine, the engine host's CPUs
 * (1,024 units each) and memory less the reserve; what {@code --instance-cpu} / {@code --instance-memory} say when
 * given; in the cluster {@code --cluster} names, created when missing, so that tasks run there. A restart with
 * other values re-registers the same instance with them.
 */
class EmbeddedInstanceIT {

    @Test
    void onAnEngineTheInstanceRegistersTheHostsCpusAndMemoryLessTheReserve() {
        try (PodmanFixture podman = PodmanFixture.start();
                TestServer server =
                        TestServer.sqlite(c -> c.runtime(RuntimeChoice.DOCKER).dockerHost(podman.dockerHost()));
                EcsClient ecs = server.client()) {
            String[] host = podman.podman("info", "--format", "{{.Host.CPUs}} {{.Host.MemTotal}}")
                    .trim()
                    .split(" ");
            int cpus = Integer.parseInt(host[0]);
            long memTotal = Long.parseLong(host[1]);
            ContainerInstance instance = only(ecs, "default");
            assertThat(resource(instance.registeredResources(), "CPU")).isEqualTo(cpus * 1024);
            assertThat(resource(instance.registeredResources(), "MEMORY"))
                    .isEqualTo(
                            (int) (memTotal / (1024 * 1024)) - ServerConfig.EmbeddedInstance.DEFAULT_RESERVED_MEMORY);
        }
    }

    @Test
    void theOptionsSetTheClusterAndResourcesAndARestartReRegistersWithNewValues(@TempDir Path dir) throws Exception {
        String instanceArn;
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("demo/app:v1", Format.OCI, "app-v1");
            try (ServerProcess server = ServerProcess.start(
                            ServerProcess.freePort(),
                            "--data-dir",
                            dir.toString(),
                            "--runtime",
                            "simulated",
                            "--cluster",
                            "quickstart",
                            "--instance-cpu",
                            "3000",
                            "--instance-memory",
                            "5000");
                    EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
                ContainerInstance instance = only(ecs, "quickstart");
                instanceArn = instance.containerInstanceArn();
                assertThat(resource(instance.registeredResources(), "CPU")).isEqualTo(3000);
                assertThat(resource(instance.registeredResources(), "MEMORY")).isEqualTo(5000);
                assertThat(ecs.describeClusters(r -> r.clusters("quickstart")).clusters())
                        .singleElement()
                        .satisfies(c -> assertThat(c.status()).isEqualTo("ACTIVE"));

                // the named cluster runs tasks
                ecs.registerTaskDefinition(r -> r.family("app")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/app:v1")
                                .memory(64)
                                .build()));
                String task = ecs.runTask(r -> r.cluster("quickstart").taskDefinition("app"))
                        .tasks()
                        .get(0)
                        .taskArn();
                Running.awaitRunning(ecs, "quickstart", task);
            }
            try (ServerProcess server = ServerProcess.start(
                            ServerProcess.freePort(),
                            "--data-dir",
                            dir.toString(),
                            "--runtime",
                            "simulated",
                            "--cluster",
                            "quickstart",
                            "--instance-cpu",
                            "1024",
                            "--instance-memory",
                            "2000");
                    EcsClient ecs = Clients.ecs(server.endpoint(), "test", "test")) {
                ContainerInstance instance = only(ecs, "quickstart");
                assertThat(instance.containerInstanceArn())
                        .as("the same instance")
                        .isEqualTo(instanceArn);
                assertThat(resource(instance.registeredResources(), "CPU")).isEqualTo(1024);
                assertThat(resource(instance.registeredResources(), "MEMORY")).isEqualTo(2000);
                assertThat(instance.agentConnected()).isTrue();
            }
        }
    }

    @Test
    void simulatedInstancesRegister2048CpuAnd4096MiBByDefault() {
        try (TestServer server = TestServer.sqlite(c -> c.simulatedInstances(1));
                EcsClient ecs = server.client()) {
            ContainerInstance instance = only(ecs, "default");
            assertThat(resource(instance.registeredResources(), "CPU")).isEqualTo(2048);
            assertThat(resource(instance.registeredResources(), "MEMORY")).isEqualTo(4096);
        }
    }

    private static ContainerInstance only(EcsClient ecs, String cluster) {
        List<String> arns = ecs.listContainerInstances(r -> r.cluster(cluster)).containerInstanceArns();
        assertThat(arns).hasSize(1);
        return ecs.describeContainerInstances(r -> r.cluster(cluster).containerInstances(arns))
                .containerInstances()
                .get(0);
    }

    private static int resource(List<Resource> resources, String name) {
        return resources.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow()
                .integerValue();
    }

    private static final class Running {
        static void awaitRunning(EcsClient ecs, String cluster, String task) {
            Eventually.await(
                    "task RUNNING in " + cluster,
                    Duration.ofSeconds(60),
                    () -> "RUNNING"
                            .equals(ecs.describeTasks(r -> r.cluster(cluster).tasks(task))
                                    .tasks()
                                    .get(0)
                                    .lastStatus()));
        }
    }
}
