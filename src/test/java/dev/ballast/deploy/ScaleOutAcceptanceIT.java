package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.image.Digest;
import dev.ballast.store.Shards;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentRolloutState;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;

/**
 * Issue 13's acceptance with three replicas on one PostgreSQL: a 500-task rolling deployment finished by the others
 * when its controller is killed mid-way, and 300 services divided about evenly between the replicas' controllers,
 * whose shards move within the lease time when one replica is killed.
 *
 * <p>Replica {@code a} runs the simulated container instances and is never killed; {@code b} and {@code c} are
 * controller-only, so a kill stops no task and every task count below is exact.
 */
class ScaleOutAcceptanceIT {
    private static final String LEASE = "3s";

    @Test
    void aFiveHundredTaskDeploymentIsFinishedByTheOthersWhenItsControllerIsKilled() throws Exception {
        String store = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start()) {
            Digest v1 = registry.images().push("demo/big:v1", TestImages.Format.OCI, "big-1");
            Digest v2 = registry.images().push("demo/big:v2", TestImages.Format.OCI, "big-2");
            try (ServerProcess a = Replicas.start(store, "a", 4, LEASE);
                    ServerProcess b = Replicas.start(store, "b", 0, LEASE);
                    ServerProcess c = Replicas.start(store, "c", 0, LEASE);
                    EcsClient ecs = Clients.ecs(a.endpoint(), "test", "test")) {
                Eventually.await(
                        "the shards split three ways",
                        Duration.ofSeconds(60),
                        () -> Replicas.shards(a) + Replicas.shards(b) + Replicas.shards(c) == Shards.COUNT
                                && Replicas.shards(a) >= 21
                                && Replicas.shards(b) >= 21
                                && Replicas.shards(c) >= 21);
                String clusterArn = ecs.describeClusters(r -> r.clusters("default"))
                        .clusters()
                        .getFirst()
                        .clusterArn();
                Set<Integer> heldByB = Replicas.shardsOf(store, "b/");
                String name = IntStream.range(0, 1_000)
                        .mapToObj(i -> "big-" + i)
                        .filter(n -> heldByB.contains(Shards.of(Replicas.serviceArn(clusterArn, n))))
                        .findFirst()
                        .orElseThrow();
                for (String tag : List.of("v1", "v2")) {
                    ecs.registerTaskDefinition(r -> r.family("big-" + tag)
                            .containerDefinitions(ContainerDefinition.builder()
                                    .name("app")
                                    .image(registry.host() + "/demo/big:" + tag)
                                    .memory(16)
                                    .build()));
                }
                // 500 tasks of v1, then a rolling deployment of v2 in waves of 100 (max 120 %), killed mid-way
                String arn = ecs.createService(r -> r.serviceName(name)
                                .taskDefinition("big-v1")
                                .desiredCount(500)
                                .deploymentConfiguration(
                                        d -> d.minimumHealthyPercent(100).maximumPercent(120)))
                        .service()
                        .serviceArn();
                Eventually.await("500 tasks of v1 run", Duration.ofSeconds(240), () -> stable(ecs, name));
                String second = ecs.updateService(r -> r.service(name).taskDefinition("big-v2"))
                        .service()
                        .deployments()
                        .getFirst()
                        .id();
                Eventually.await(
                        "b's rolling deployment of v2 is under way",
                        Duration.ofSeconds(120),
                        () -> Replicas.tasksPerDeployment(store, arn).getOrDefault(second, 0) > 0);
                int launchedBeforeKill = Replicas.tasksPerDeployment(store, arn).getOrDefault(second, 0);
                b.kill();
                assertThat(launchedBeforeKill)
                        .as("b was killed mid-way through the deployment")
                        .isLessThan(500);

                Eventually.await(
                        "a and c finish the deployment",
                        Duration.ofSeconds(300),
                        () -> stable(ecs, name)
                                && EcsHelpers.service(ecs, "default", name)
                                        .taskDefinition()
                                        .endsWith("big-v2:1"));
                Service s = EcsHelpers.service(ecs, "default", name);
                assertThat(s.deployments().getFirst().id()).isEqualTo(second);
                Map<String, Integer> perDeployment = Replicas.tasksPerDeployment(store, arn);
                assertThat(perDeployment)
                        .as(
                                "the tasks of each deployment: exactly its desired count (%d of v2 before the kill)",
                                launchedBeforeKill)
                        .hasSize(2)
                        .containsEntry(second, 500)
                        .allSatisfy((deployment, n) -> assertThat(n).isEqualTo(500));
                List<Task> running = EcsHelpers.tasks(ecs, "default", name, DesiredStatus.RUNNING);
                assertThat(running).hasSize(500).allSatisfy(t -> {
                    assertThat(t.startedBy()).isEqualTo(second);
                    assertThat(EcsHelpers.container(t, "app").imageDigest()).isEqualTo(v2.toString());
                });
                assertThat(Replicas.resolutionEvents(store, arn))
                        .as("one resolution per deployment, none repeated by the replica that took over")
                        .isEqualTo(2);
                assertThat(v1).isNotEqualTo(v2);
                System.out.printf(
                        "ScaleOutAcceptanceIT: b killed after launching %d of 500 tasks of the v2 deployment; a and c"
                                + " finished it%n",
                        launchedBeforeKill);
            }
        }
    }

    /**
     * Steady as {@link EcsHelpers#stable} says (one deployment, COMPLETED, running = desired, none pending), from one
     * read; when not, it says how the service stands and how long the read took (the cause of a time-out).
     */
    private static boolean stable(EcsClient ecs, String name) {
        long started = System.nanoTime();
        Service s = EcsHelpers.service(ecs, "default", name);
        long readMillis = (System.nanoTime() - started) / 1_000_000;
        if (s.deployments().size() == 1
                && s.runningCount().equals(s.desiredCount())
                && s.pendingCount() == 0
                && s.deployments().getFirst().rolloutState() == DeploymentRolloutState.COMPLETED) {
            return true;
        }
        throw new AssertionError("not steady (read in " + readMillis + " ms): running " + s.runningCount()
                + ", pending " + s.pendingCount() + ", desired " + s.desiredCount() + ", deployments "
                + s.deployments());
    }

    @Test
    void threeReplicasReconcileAThirdOfThreeHundredServicesEachAndTakeOverAKilledOnesShards() throws Exception {
        String store = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("demo/many:v1", TestImages.Format.OCI, "many-1");
            try (ServerProcess a = Replicas.start(store, "a", 2, LEASE);
                    ServerProcess b = Replicas.start(store, "b", 0, LEASE);
                    ServerProcess c = Replicas.start(store, "c", 0, LEASE);
                    EcsClient ecs = Clients.ecs(a.endpoint(), "test", "test")) {
                List<ServerProcess> replicas = List.of(a, b, c);
                Eventually.await(
                        "the shards split 22/21/21",
                        Duration.ofSeconds(60),
                        () -> replicas.stream().mapToInt(Replicas::shards).sum() == Shards.COUNT
                                && replicas.stream()
                                        .allMatch(r -> Replicas.shards(r) >= 21 && Replicas.shards(r) <= 22));
                ecs.registerTaskDefinition(r -> r.family("many")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/many:v1")
                                .memory(16)
                                .build()));
                double[] reconcilesBefore = replicas.stream()
                        .mapToDouble(r -> r.metric("ballast_controller_reconciles_total"))
                        .toArray();
                for (int i = 0; i < 300; i++) {
                    int desired = i % 2;
                    String name = "many-" + i;
                    ecs.createService(
                            r -> r.serviceName(name).taskDefinition("many").desiredCount(desired));
                }
                // 300 services hashed into 64 shards held 22/21/21: a replica expects 300 x 21/64 ≈ 98 (103 for 22),
                // with a binomial spread of sqrt(300 x 0.33 x 0.67) ≈ 8; ±35 is more than four spreads
                Eventually.await(
                        "every replica's last resync counts its third of the 300 services",
                        Duration.ofSeconds(120),
                        () -> replicas.stream()
                                                .mapToDouble(r -> r.metric("ballast_controller_services"))
                                                .sum()
                                        == 300
                                && replicas.stream()
                                        .allMatch(r -> Math.abs(r.metric("ballast_controller_services") - 100) <= 35));
                Eventually.await(
                        "every service converges",
                        Duration.ofSeconds(180),
                        () -> IntStream.range(0, 300)
                                .filter(i -> i % 2 == 1)
                                .allMatch(i -> EcsHelpers.tasks(ecs, "default", "many-" + i, DesiredStatus.RUNNING)
                                                .size()
                                        == 1));
                List<Double> services = replicas.stream()
                        .map(r -> r.metric("ballast_controller_services"))
                        .toList();
                for (int i = 0; i < replicas.size(); i++) {
                    assertThat(replicas.get(i).metric("ballast_controller_reconciles_total"))
                            .as("replica %d reconciled services of its own shards", i)
                            .isGreaterThan(reconcilesBefore[i]);
                }

                long killedAt = System.nanoTime();
                c.kill();
                Eventually.await(
                        "a and b hold every shard",
                        Duration.ofSeconds(30),
                        () -> Replicas.shards(a) + Replicas.shards(b) == Shards.COUNT);
                long movedMillis = (System.nanoTime() - killedAt) / 1_000_000;
                Eventually.await(
                        "a and b count every service",
                        Duration.ofSeconds(60),
                        () -> a.metric("ballast_controller_services") + b.metric("ballast_controller_services") == 300);
                System.out.printf(
                        "ScaleOutAcceptanceIT: services per replica %s (a, b, c); c's shards held by a and b %d ms"
                                + " after its kill -9 (lease %s)%n",
                        services, movedMillis, LEASE);
            }
        }
    }
}
