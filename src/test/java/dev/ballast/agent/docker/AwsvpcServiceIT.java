package dev.ballast.agent.docker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.cli.RuntimeChoice;
import dev.ballast.model.AttachmentStatus;
import dev.ballast.testing.EcsTasks;
import dev.ballast.testing.PodmanFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.TestImages;
import dev.ballast.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerCondition;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * The acceptance for awsvpc, end to end through the AWS SDK: a running server whose embedded agent runs
 * containers on Podman runs two FARGATE tasks of one awsvpc task definition (an app and a sidecar answering on
 * localhost) on its one host. DescribeTasks shows each task's ENI attachment with the address the engine gave it;
 * the two addresses differ, the namespaces differ, and each app reaches its own sidecar on {@code localhost}.
 */
class AwsvpcServiceIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void two_fargate_awsvpc_tasks_on_one_host_have_their_own_address_namespace_and_sidecar() {
        try (RegistryFixture registry = RegistryFixture.start();
                PodmanFixture podman = PodmanFixture.start(registry.host())) {
            registry.images().pushRunnable("demo/vpc:v1", TestImages.Format.OCI, "vpc-v1");
            String image = registry.host() + "/demo/vpc:v1";
            try (TestServer server = TestServer.sqlite(
                            c -> c.runtime(RuntimeChoice.DOCKER).dockerHost(podman.dockerHost()));
                    EcsClient ecs = server.client()) {
                ecs.registerTaskDefinition(r -> r.family("vpc")
                        .requiresCompatibilities(Compatibility.FARGATE)
                        .networkMode(NetworkMode.AWSVPC)
                        .cpu("256")
                        .memory("512")
                        .containerDefinitions(
                                ContainerDefinition.builder()
                                        .name("app")
                                        .image(image)
                                        .stopTimeout(1)
                                        .entryPoint("/bin/sh", "-c")
                                        .command("sleep 3600")
                                        .dependsOn(
                                                d -> d.containerName("sidecar").condition(ContainerCondition.START))
                                        .build(),
                                ContainerDefinition.builder()
                                        .name("sidecar")
                                        .image(image)
                                        .stopTimeout(1)
                                        .portMappings(p -> p.containerPort(8080))
                                        .entryPoint("/bin/sh", "-c")
                                        .command("/bin/busybox mkdir -p /tmp/www && /bin/busybox readlink"
                                                + " /proc/self/ns/net > /tmp/www/ns && exec /bin/busybox httpd -f -p"
                                                + " 8080 -h /tmp/www")
                                        .build()));
                RunTaskResponse run = ecs.runTask(r -> r.taskDefinition("vpc")
                        .launchType(LaunchType.FARGATE)
                        .count(2)
                        .networkConfiguration(n -> n.awsvpcConfiguration(a -> a.subnets("subnet-0a1b2c3d"))));
                assertThat(run.failures()).isEmpty();
                List<Task> tasks = run.tasks().stream()
                        .map(t -> EcsTasks.await(
                                ecs,
                                "awsvpc task RUNNING with its address",
                                t.taskArn(),
                                WAIT,
                                x -> x.lastStatus().equals("RUNNING")
                                        && x.attachments()
                                                .getFirst()
                                                .status()
                                                .equals(AttachmentStatus.ATTACHED.wire())))
                        .toList();

                String[] addresses = new String[2];
                String[] namespaces = new String[2];
                for (int i = 0; i < 2; i++) {
                    Task t = tasks.get(i);
                    Attachment eni = t.attachments().getFirst();
                    addresses[i] = detail(eni, "privateIPv4Address");
                    assertThat(addresses[i]).matches("[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+");
                    assertThat(detail(eni, "macAddress")).matches("[0-9a-f]{2}(:[0-9a-f]{2}){5}");
                    assertThat(t.containers())
                            .allSatisfy(c -> assertThat(c.networkInterfaces())
                                    .singleElement()
                                    .satisfies(n -> assertThat(n.privateIpv4Address())
                                            .isEqualTo(detail(eni, "privateIPv4Address"))));
                    String app = runtimeId(t, "app");
                    namespaces[i] = exec(podman, app, "/bin/busybox readlink /proc/self/ns/net");
                    assertThat(namespaces[i]).startsWith("net:[");
                    assertThat(exec(podman, app, "/bin/busybox wget -qO- http://127.0.0.1:8080/ns"))
                            .as("the app reaches its own sidecar on localhost")
                            .isEqualTo(namespaces[i]);
                    assertThat(exec(podman, app, "/bin/busybox ip -4 addr"))
                            .as("DescribeTasks shows the namespace's own address")
                            .contains(" " + addresses[i] + "/");
                }
                assertThat(addresses[1]).isNotEqualTo(addresses[0]);
                assertThat(namespaces[1]).isNotEqualTo(namespaces[0]);
                assertThat(podman.podman("network", "inspect", "--format", "{{.Labels}}", "ballast-default"))
                        .contains(TaskNetworks.LABEL_NETWORK);

                for (Task t : tasks) {
                    ecs.stopTask(r -> r.task(t.taskArn()));
                    Task stopped = EcsTasks.await(
                            ecs,
                            "awsvpc task STOPPED",
                            t.taskArn(),
                            WAIT,
                            x -> x.lastStatus().equals("STOPPED"));
                    assertThat(stopped.attachments().getFirst().status()).isEqualTo(AttachmentStatus.DELETED.wire());
                }
            }
        }
    }

    private static String detail(Attachment a, String name) {
        return a.details().stream()
                .filter(d -> d.name().equals(name))
                .map(KeyValuePair::value)
                .findFirst()
                .orElse(null);
    }

    private static String runtimeId(Task t, String container) {
        return t.containers().stream()
                .filter(c -> c.name().equals(container))
                .findFirst()
                .orElseThrow()
                .runtimeId();
    }

    private static String exec(PodmanFixture podman, String containerId, String script) {
        return podman.podman("exec", containerId, "/bin/sh", "-c", script).trim();
    }
}
