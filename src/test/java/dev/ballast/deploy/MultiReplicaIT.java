package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.ForwardingScript;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ScriptedServer;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * Two server replicas on one PostgreSQL store: exactly one (the holder of the controller lease) drives the
 * service, so no task is launched twice; killed mid-deployment, the other takes the lease and finishes the
 * deployment from the store.
 */
class MultiReplicaIT {

    @Test
    void oneReplicaDrivesAndTheOtherTakesOverWhenItDies() throws Exception {
        String store = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start()) {
            Digest d = registry.images().push("demo/replicas:v1", TestImages.Format.OCI, "replicas-1");
            AtomicBoolean hold = new AtomicBoolean(true);
            // Hold the agents' manifest fetches so that the deployment is mid-way when the leader dies.
            try (ScriptedServer gate = ScriptedServer.start(new ForwardingScript(
                    registry.baseUri(),
                    q -> q.method().equals("GET") && ForwardingScript.isManifest(q),
                    () -> !hold.get()))) {
                // b starts first and takes the lease; it runs no agent. a runs the two container instances.
                ServerProcess b = replica(store, "b", 0);
                try (ServerProcess a = replica(store, "a", 2);
                        EcsClient ecs = Clients.ecs(a.endpoint(), "test", "test")) {
                    Eventually.await("b leads", Duration.ofSeconds(30), () -> leader(b) == 1);
                    assertThat(leader(a))
                            .as("a follows while b holds the lease")
                            .isZero();

                    String image = gate.host() + "/demo/replicas:v1";
                    ecs.registerTaskDefinition(r -> r.family("replicas")
                            .containerDefinitions(ContainerDefinition.builder()
                                    .name("app")
                                    .image(image)
                                    .memory(16)
                                    .build()));
                    ecs.createService(r ->
                            r.serviceName("replicas").taskDefinition("replicas").desiredCount(4));
                    Eventually.await(
                            "b places 4 tasks",
                            Duration.ofSeconds(60),
                            () -> allTasks(ecs).size() == 4);
                    Thread.sleep(1_500); // several reconcile periods of both replicas
                    assertThat(allTasks(ecs))
                            .as("only the lease holder launches: still 4 tasks")
                            .hasSize(4);
                    assertThat(leader(a)).isZero();

                    b.kill(); // kill -9 mid-deployment: its lease is never released
                    hold.set(false);
                    Eventually.await(
                            "a takes the lease and finishes the deployment",
                            Duration.ofSeconds(120),
                            () -> EcsHelpers.stable(ecs, "default", "replicas"));
                    assertThat(leader(a)).isEqualTo(1);
                    List<Task> tasks = allTasks(ecs);
                    assertThat(tasks).as("no task launched twice").hasSize(4).allSatisfy(t -> {
                        assertThat(t.lastStatus()).isEqualTo("RUNNING");
                        assertThat(EcsHelpers.container(t, "app").imageDigest()).isEqualTo(d.toString());
                    });
                    assertThat(a.log()).contains("controller lease taken");

                    // and a drives new deployments alone from now on
                    ecs.updateService(r -> r.service("replicas").forceNewDeployment(true));
                    Eventually.await(
                            "the forced deployment completes",
                            Duration.ofSeconds(120),
                            () -> EcsHelpers.stable(ecs, "default", "replicas")
                                    && EcsHelpers.service(ecs, "default", "replicas")
                                                    .deployments()
                                                    .get(0)
                                                    .taskDefinition()
                                            != null
                                    && allTasks(ecs).size() == 8);
                    assertThat(EcsHelpers.tasks(ecs, "default", "replicas", DesiredStatus.RUNNING))
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
            try (ServerProcess a = replica(store, "a", 1);
                    ServerProcess b = replica(store, "b", 0);
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

    private static ServerProcess replica(String store, String node, int instances) throws Exception {
        return ServerProcess.start(
                ServerProcess.freePort(),
                "--data-dir",
                Files.createTempDirectory("ballast-replica-").toString(),
                "--store",
                store,
                "--node-name",
                node,
                "--simulated-instances",
                Integer.toString(instances),
                "--controller-lease",
                "3s",
                "--runtime",
                "simulated");
    }

    private static List<Task> allTasks(EcsClient ecs) {
        List<Task> out = new ArrayList<>(EcsHelpers.tasks(ecs, "default", "replicas", DesiredStatus.RUNNING));
        out.addAll(EcsHelpers.tasks(ecs, "default", "replicas", DesiredStatus.STOPPED));
        return out;
    }

    /** The replica's {@code ballast_controller_leader} gauge. */
    private static int leader(ServerProcess server) {
        URI metrics = server.endpoint().resolve("/metrics");
        String body;
        try {
            body = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return body.lines()
                .filter(l -> l.startsWith("ballast_controller_leader"))
                .findFirst()
                .map(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .orElseThrow(() -> new AssertionError("no ballast_controller_leader in /metrics"));
    }
}
