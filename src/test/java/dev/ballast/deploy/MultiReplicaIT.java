package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.store.Shards;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.RunTaskResponse;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Two server replicas on one PostgreSQL store: exactly one (the holder of the service's shard) drives the
 * service, so no task is launched twice; killed mid-deployment, the other takes its shards and finishes the
 * deployment from the store.
 */
class MultiReplicaIT {

    @Test
    void theHolderOfAServicesShardDrivesItAndTheOtherTakesOverWhenItDies() throws Exception {
        String store = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start()) {
            Digest d = registry.images().push("demo/replicas:v1", TestImages.Format.OCI, "replicas-1");
            AtomicBoolean hold = new AtomicBoolean(true);
            // Hold the agents' manifest fetches so that the deployment is mid-way when the shard's holder dies.
            try (ScriptedServer gate = ScriptedServer.start(new ForwardingScript(
                    registry.baseUri(),
                    q -> q.method().equals("GET") && ForwardingScript.isManifest(q),
                    () -> !hold.get()))) {
                // b starts first and takes every shard; it runs no agent. a runs the two container instances and
                // joins: the shards are split 32/32.
                ServerProcess b = Replicas.start(store, "b", 0, "3s");
                try (ServerProcess a = Replicas.start(store, "a", 2, "3s");
                        EcsClient ecs = Clients.ecs(a.endpoint(), "test", "test")) {
                    Eventually.await(
                            "the shards split evenly",
                            Duration.ofSeconds(30),
                            () -> Replicas.shards(a) == Shards.COUNT / 2 && Replicas.shards(b) == Shards.COUNT / 2);
                    String clusterArn = ecs.describeClusters(r -> r.clusters("default"))
                            .clusters()
                            .getFirst()
                            .clusterArn();
                    Set<Integer> heldByB = Replicas.shardsOf(store, "b/");
                    String name = IntStream.range(0, 1_000)
                            .mapToObj(i -> "replicas-" + i)
                            .filter(n -> heldByB.contains(Shards.of(Replicas.serviceArn(clusterArn, n))))
                            .findFirst()
                            .orElseThrow();

                    String image = gate.host() + "/demo/replicas:v1";
                    ecs.registerTaskDefinition(r -> r.family("replicas")
                            .containerDefinitions(ContainerDefinition.builder()
                                    .name("app")
                                    .image(image)
                                    .memory(16)
                                    .build()));
                    String arn = ecs.createService(r -> r.serviceName(name)
                                    .taskDefinition("replicas")
                                    .desiredCount(4))
                            .service()
                            .serviceArn();
                    assertThat(arn).isEqualTo(Replicas.serviceArn(clusterArn, name));
                    Eventually.await(
                            "b places 4 tasks",
                            Duration.ofSeconds(60),
                            () -> allTasks(ecs, name).size() == 4);
                    double reconcilesOnA = a.metric("ballast_controller_reconciles_total");
                    Thread.sleep(1_500); // several reconcile periods of both replicas
                    assertThat(allTasks(ecs, name))
                            .as("only the shard's holder launches: still 4 tasks")
                            .hasSize(4);
                    assertThat(b.metric("ballast_controller_services")).isEqualTo(1);
                    assertThat(a.metric("ballast_controller_services")).isZero();
                    assertThat(a.metric("ballast_controller_reconciles_total"))
                            .as("a reconciles no service of b's shards")
                            .isEqualTo(reconcilesOnA);

                    b.kill(); // kill -9 mid-deployment: its shards are never given up
                    hold.set(false);
                    Eventually.await(
                            "a takes b's shards and finishes the deployment",
                            Duration.ofSeconds(120),
                            () -> EcsHelpers.stable(ecs, "default", name));
                    assertThat(Replicas.shards(a)).isEqualTo(Shards.COUNT);
                    List<Task> tasks = allTasks(ecs, name);
                    assertThat(tasks).as("no task launched twice").hasSize(4).allSatisfy(t -> {
                        assertThat(t.lastStatus()).isEqualTo("RUNNING");
                        assertThat(EcsHelpers.container(t, "app").imageDigest()).isEqualTo(d.toString());
                    });
                    assertThat(a.log()).contains("controller shards of a");

                    // and a drives new deployments alone from now on
                    ecs.updateService(r -> r.service(name).forceNewDeployment(true));
                    Eventually.await(
                            "the forced deployment completes",
                            Duration.ofSeconds(120),
                            () -> EcsHelpers.stable(ecs, "default", name)
                                    && EcsHelpers.service(ecs, "default", name)
                                                    .deployments()
                                                    .get(0)
                                                    .taskDefinition()
                                            != null
                                    && allTasks(ecs, name).size() == 8);
                    assertThat(EcsHelpers.tasks(ecs, "default", name, DesiredStatus.RUNNING))
                            .hasSize(4);
                } finally {
                    b.close();
                }
            }
        }
    }

    @Test
    void runTaskOnBothReplicasAtOnceNeverOverfillsAnInstance() throws Exception {
        String store = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("demo/fill:v1", TestImages.Format.OCI, "fill-1");
            try (ServerProcess a = Replicas.start(store, "a", 1, "3s");
                    ServerProcess b = Replicas.start(store, "b", 0, "3s");
                    EcsClient viaA = Clients.ecs(a.endpoint(), "test", "test");
                    EcsClient viaB = Clients.ecs(b.endpoint(), "test", "test")) {
                // one instance of 4096 MiB: room for exactly 4 tasks of 1024 MiB
                viaA.registerTaskDefinition(r -> r.family("fill")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/fill:v1")
                                .memory(1024)
                                .build()));
                CountDownLatch go = new CountDownLatch(1);
                List<Future<RunTaskResponse>> calls;
                try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
                    calls = IntStream.range(0, 12)
                            .mapToObj(i -> callers.submit(() -> {
                                go.await();
                                return (i % 2 == 0 ? viaA : viaB).runTask(r -> r.taskDefinition("fill"));
                            }))
                            .toList();
                    go.countDown();
                }
                int placed = 0;
                int refused = 0;
                for (var call : calls) {
                    var response = call.get();
                    placed += response.tasks().size();
                    refused += (int) response.failures().stream()
                            .filter(f -> "RESOURCE:MEMORY".equals(f.reason()))
                            .count();
                }
                assertThat(placed).as("tasks placed by both replicas together").isEqualTo(4);
                assertThat(refused).isEqualTo(8);
                assertThat(viaB.listTasks(r -> r.family("fill")).taskArns()).hasSize(4);
            }
        }
    }

    private static List<Task> allTasks(EcsClient ecs, String service) {
        List<Task> out = new ArrayList<>(EcsHelpers.tasks(ecs, "default", service, DesiredStatus.RUNNING));
        out.addAll(EcsHelpers.tasks(ecs, "default", service, DesiredStatus.STOPPED));
        return out;
    }
}
