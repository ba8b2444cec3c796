package dev.ballast.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.store.Shards;
import dev.ballast.testing.Clients;
import dev.ballast.testing.Eventually;
import dev.ballast.testing.PostgresFixture;
import dev.ballast.testing.RegistryFixture;
import dev.ballast.testing.ServerProcess;
import dev.ballast.testing.TestImages;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * SIGSTOP of the replica that holds a set of services' shards while it launches their tasks, past its lease: the
 * other replica takes the shards; on SIGCONT the stopped replica's writes under its old fences are refused
 * ({@code FencedException}, logged by the reconciler), no task is launched twice, and it gets its share back.
 *
 * <p>A stale write is only attempted when the pause caught a reconcile between its ownership check and a later
 * transaction, so the attempt is repeated (bounded) until one was refused, and the test fails if none was.
 */
class FencingIT {
    private static final String LEASE = "2s";
    private static final int SERVICES = 30;
    private static final int STEP = 6;
    private static final int ATTEMPTS = 6;
    private static final String REFUSED = "is no longer held by b/";

    @Test
    void aReplicaPausedPastItsLeaseHasItsWritesRefusedAndLaunchesNothingTwice() throws Exception {
        String store = PostgresFixture.newDatabase();
        try (RegistryFixture registry = RegistryFixture.start()) {
            registry.images().push("demo/fence:v1", TestImages.Format.OCI, "fence-1");
            // a runs the instances and is never paused; b is controller-only and holds half of the shards
            try (ServerProcess a = Replicas.start(store, "a", 4, LEASE);
                    ServerProcess b = Replicas.start(store, "b", 0, LEASE);
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
                List<String> names = IntStream.range(0, 10_000)
                        .mapToObj(i -> "fence-" + i)
                        .filter(n -> heldByB.contains(Shards.of(Replicas.serviceArn(clusterArn, n))))
                        .limit(SERVICES)
                        .toList();
                ecs.registerTaskDefinition(r -> r.family("fence")
                        .containerDefinitions(ContainerDefinition.builder()
                                .name("app")
                                .image(registry.host() + "/demo/fence:v1")
                                .memory(16)
                                .build()));
                names.forEach(n -> ecs.createService(
                        r -> r.serviceName(n).taskDefinition("fence").desiredCount(0)));

                int desired = 0;
                int refusedBefore = 0;
                List<String> attempts = new ArrayList<>();
                for (int attempt = 1; attempt <= ATTEMPTS && refusedBefore == 0; attempt++) {
                    Eventually.await(
                            "b holds its share again (attempt " + attempt + ")",
                            Duration.ofSeconds(60),
                            () -> Replicas.shards(b) == Shards.COUNT / 2 && Replicas.shards(a) == Shards.COUNT / 2);
                    int target = desired + STEP;
                    long tasksBefore = taskRows(store);
                    names.forEach(n -> ecs.updateService(r -> r.service(n).desiredCount(target)));
                    desired = target;
                    // pause b as soon as its launches have begun: mid-way through the scale-out
                    Eventually.await(
                            "b starts launching (attempt " + attempt + ")",
                            Duration.ofSeconds(60),
                            () -> taskRows(store) > tasksBefore);
                    b.pause();
                    long pausedAt = System.nanoTime();
                    try {
                        Eventually.await(
                                "a takes every shard from the paused b (attempt " + attempt + ")",
                                Duration.ofSeconds(60),
                                () -> Replicas.shards(a) == Shards.COUNT);
                    } finally {
                        b.resume();
                    }
                    long tookMillis = (System.nanoTime() - pausedAt) / 1_000_000;
                    Eventually.await(
                            "the scale-out completes (attempt " + attempt + ")",
                            Duration.ofSeconds(120),
                            () -> names.stream().allMatch(n -> EcsHelpers.stable(ecs, "default", n)));
                    int refused = count(b.log(), REFUSED);
                    attempts.add("attempt " + attempt + ": a held all shards " + tookMillis + " ms after the pause; "
                            + refused + " refused writes of b so far");
                    refusedBefore = refused;
                }
                System.out.println("FencingIT: " + String.join("; ", attempts));
                assertThat(refusedBefore)
                        .as("a write of the resumed b under a stale fence was refused (%s)", attempts)
                        .isPositive();
                assertThat(b.log()).contains("stopped: shard");

                for (String n : names) {
                    Service s = EcsHelpers.service(ecs, "default", n);
                    assertThat(EcsHelpers.tasks(ecs, "default", n, DesiredStatus.RUNNING))
                            .as("%s: RUNNING tasks", n)
                            .hasSize(desired);
                    assertThat(Replicas.tasksPerDeployment(store, s.serviceArn()))
                            .as("%s: one deployment, exactly its desired count of tasks (nothing launched twice)", n)
                            .containsExactly(
                                    Map.entry(s.deployments().getFirst().id(), desired));
                }
                Eventually.await(
                        "b rebalances after the pause",
                        Duration.ofSeconds(60),
                        () -> Replicas.shards(b) == Shards.COUNT / 2 && Replicas.shards(a) == Shards.COUNT / 2);
            }
        }
    }

    private static long taskRows(String store) {
        try (Connection c = DriverManager.getConnection(store);
                PreparedStatement q = c.prepareStatement("SELECT count(*) FROM tasks");
                ResultSet rs = q.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
