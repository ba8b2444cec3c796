package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ballast.testing.PostgresFixture;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tasks and container instances are written only into an ACTIVE cluster, in the same transaction that
 * checks it, so DeleteCluster's "is it empty?" and these inserts cannot interleave: a deleted cluster never
 * ends up holding live tasks.
 */
class ClusterFenceIT {
    @TempDir
    Path dir;

    private Store open(String kind) {
        return kind.equals("sqlite")
                ? Store.openSqlite(dir, Clock.systemUTC())
                : Store.openPostgres(PostgresFixture.newDatabase(), Clock.systemUTC());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void nothingIsInsertedIntoADeletedCluster(String kind) {
        try (Store store = open(kind)) {
            store.clusters()
                    .createOrGet(
                            "gone", "arn:aws:ecs:us-east-1:123456789012:cluster/gone", "{\"settings\":[]}", List.of());
            assertThat(store.clusters().deactivateIfEmpty("gone")).contains(ClusterCounts.NONE);

            TaskRow t = task("gone", "t1");
            assertThatThrownBy(() -> store.tasks().insertAll(List.of(t)))
                    .isInstanceOf(ClusterNotActiveException.class)
                    .hasMessageContaining("gone");
            assertThat(store.tasks().find(t.arn())).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "postgresql"})
    void deletesRacingInsertsNeverLeaveLiveTasksInADeletedCluster(String kind) throws Exception {
        try (Store store = open(kind)) {
            AtomicInteger inserted = new AtomicInteger();
            // at least 30 rounds, and more (up to 300) until an insert has competed: on a loaded machine the deleter
            // can
            // win every one of the first 30 before the inserter's first insert
            for (int round = 0; round < 30 || (inserted.get() == 0 && round < 300); round++) {
                String cluster = "race-" + round;
                store.clusters()
                        .createOrGet(
                                cluster,
                                "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster,
                                "{\"settings\":[]}",
                                List.of());
                AtomicBoolean deleted = new AtomicBoolean();
                int r = round;
                CountDownLatch inserting = new CountDownLatch(1);
                Thread inserter = Thread.ofPlatform().start(() -> {
                    inserting.countDown();
                    for (int i = 0; i < 20 && !deleted.get(); i++) {
                        try {
                            store.tasks().insertAll(List.of(task(cluster, r + "-" + i)));
                            inserted.incrementAndGet();
                        } catch (ClusterNotActiveException refused) {
                            return;
                        }
                    }
                });
                // start deleting only once the inserter runs, so that the two really compete even on a loaded machine
                inserting.await();
                for (int attempt = 0; attempt < 50 && !deleted.get(); attempt++) {
                    deleted.set(store.clusters()
                            .deactivateIfEmpty(cluster)
                            .map(ClusterCounts.NONE::equals)
                            .orElse(false));
                }
                inserter.join();
                if (deleted.get()) {
                    assertThat(store.tasks().count(cluster, "PROVISIONING"))
                            .as("round %d: a deleted cluster holds no live task", round)
                            .isZero();
                }
            }
            assertThat(inserted.get())
                    .as("the inserts really competed with the deletes")
                    .isPositive();
        }
    }

    private static TaskRow task(String cluster, String id) {
        String arn = "arn:aws:ecs:us-east-1:123456789012:task/" + cluster + "/" + id;
        return new TaskRow(
                arn,
                cluster,
                "arn:aws:ecs:us-east-1:123456789012:cluster/" + cluster,
                "arn:aws:ecs:us-east-1:123456789012:task-definition/x:1",
                null,
                null,
                null,
                null,
                "i1",
                "RUNNING",
                "PROVISIONING",
                List.of(),
                null,
                null,
                null,
                0,
                0,
                1_000,
                null,
                null,
                null,
                null,
                null,
                0);
    }
}
