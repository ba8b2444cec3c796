package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Task rows: the parsed-document cache keyed by version, updates that set only changed columns, batch
 * inserts and the grouped counts DescribeServices reads. Two {@link Store}s on one database file stand
 * for two server replicas sharing a store: neither may serve the other's rows from a stale cache.
 */
class TaskRowsTest {
    private static final String SERVICE = "arn:aws:ecs:us-east-1:123456789012:service/default/web";

    @TempDir
    Path dir;

    private Store one;
    private Store two;

    @BeforeEach
    void open() {
        one = Store.openSqlite(dir, Clock.systemUTC());
        two = Store.openSqlite(dir, Clock.systemUTC());
        one.clusters()
                .createOrGet(
                        "default",
                        "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                        "{\"settings\":[]}",
                        List.of());
    }

    @AfterEach
    void close() {
        one.close();
        two.close();
    }

    @Test
    void aRowWrittenByAnotherReplicaIsReadAtItsNewVersion() {
        TaskRow t = task("t1", "d1", "i1", "PROVISIONING");
        one.tasks().insertAll(List.of(t));
        assertThat(two.tasks().find(t.arn()).orElseThrow().value().lastStatus()).isEqualTo("PROVISIONING");
        assertThat(one.tasks().forInstance("i1"))
                .singleElement()
                .satisfies(v -> assertThat(v.version()).isEqualTo(1));

        assertThat(two.tasks().update(t.withState("PENDING", t.containers(), 1L, null, null, null), 1))
                .isTrue();

        // replica one cached version 1; it must read version 2 as written by replica two
        Versioned<TaskRow> read = one.tasks().forInstance("i1").get(0);
        assertThat(read.version()).isEqualTo(2);
        assertThat(read.value().lastStatus()).isEqualTo("PENDING");
        assertThat(read.value().pullStartedAt()).isEqualTo(1L);
        assertThat(one.tasks().find(t.arn()).orElseThrow().value().lastStatus()).isEqualTo("PENDING");
        // and a stale compare-and-set from replica one is refused
        assertThat(one.tasks().update(t.withState("RUNNING", t.containers(), 1L, 2L, 2L, null), 1))
                .isFalse();
        assertThat(two.tasks().find(t.arn()).orElseThrow().value().lastStatus()).isEqualTo("PENDING");
    }

    @Test
    void updatesThatSetOnlyChangedColumnsKeepEveryQueryColumnRight() {
        TaskRow t = task("t2", "d1", "i1", "PROVISIONING");
        one.tasks().insertAll(List.of(t));
        Versioned<TaskRow> cached = one.tasks().find(t.arn()).orElseThrow();
        // status changes, then the task moves to another instance and is wanted STOPPED: every indexed column
        // the queries use must follow, whichever replica reads
        assertThat(one.tasks().update(t.withState("RUNNING", t.containers(), 1L, 2L, 2L, null), cached.version()))
                .isTrue();
        TaskRow moved = new TaskRow(
                t.arn(),
                t.cluster(),
                t.clusterArn(),
                t.taskDefinitionArn(),
                t.serviceArn(),
                "d2",
                t.startedBy(),
                t.group(),
                "i2",
                "STOPPED",
                "RUNNING",
                t.containers(),
                "ServiceSchedulerInitiated",
                "scaled in",
                null,
                0,
                0,
                t.createdAt(),
                1L,
                2L,
                2L,
                3L,
                null,
                0);
        assertThat(one.tasks().update(moved, 2)).isTrue();

        for (Store s : List.of(one, two)) {
            assertThat(s.tasks().forInstance("i1")).isEmpty();
            assertThat(s.tasks().forInstance("i2"))
                    .singleElement()
                    .satisfies(v -> assertThat(v.value().deploymentId()).isEqualTo("d2"));
            assertThat(s.tasks().list("default", null, null, "STOPPED", null, "i2", null, 10))
                    .hasSize(1);
            assertThat(s.tasks().list("default", null, null, "RUNNING", null, null, null, 10))
                    .isEmpty();
        }
    }

    @Test
    void aWriteRolledBackWithTheCallersTransactionIsNeverServedFromTheCache() {
        TaskRow t = task("t3", "d1", "i1", "PROVISIONING");
        one.tasks().insertAll(List.of(t));
        one.tasks().find(t.arn()).orElseThrow();
        // X written inside a transaction that then rolls back
        Assertions.assertThatThrownBy(() -> one.jdbi().useTransaction(h -> {
                    assertThat(one.tasks().update(t.withState("RUNNING", t.containers(), 1L, 2L, 2L, null), 1))
                            .isTrue();
                    throw new IllegalStateException("roll back");
                }))
                .hasMessage("roll back");
        assertThat(one.tasks().find(t.arn()).orElseThrow().value().lastStatus()).isEqualTo("PROVISIONING");
        // another replica writes Y at the version X would have had
        TaskRow y = new TaskRow(
                t.arn(),
                t.cluster(),
                t.clusterArn(),
                t.taskDefinitionArn(),
                t.serviceArn(),
                "d1",
                t.startedBy(),
                t.group(),
                "i2",
                "RUNNING",
                "PENDING",
                t.containers(),
                null,
                null,
                null,
                0,
                0,
                t.createdAt(),
                1L,
                null,
                null,
                null,
                null,
                0);
        assertThat(two.tasks().update(y, 1)).isTrue();
        Versioned<TaskRow> read = one.tasks().find(t.arn()).orElseThrow();
        assertThat(read.version()).isEqualTo(2);
        assertThat(read.value()).isEqualTo(y);
        // and an update from replica one sets the columns that differ from Y, not from the rolled-back X
        assertThat(one.tasks().update(y.withState("RUNNING", y.containers(), 1L, 3L, 3L, null), 2))
                .isTrue();
        assertThat(two.tasks().forInstance("i2"))
                .singleElement()
                .satisfies(v -> assertThat(v.value().lastStatus()).isEqualTo("RUNNING"));
        assertThat(two.tasks().list("default", null, null, null, null, "i1", null, 10))
                .isEmpty();
    }

    @Test
    void liveCountsOfAServiceAreGroupedByDeployment() {
        one.tasks()
                .insertAll(List.of(
                        task("a", "d1", "i1", "RUNNING"),
                        task("b", "d1", "i1", "RUNNING"),
                        task("c", "d1", "i2", "PENDING"),
                        task("d", "d2", "i2", "PROVISIONING"),
                        task("e", "d2", "i2", "STOPPED")));
        TaskRow stopping =
                task("f", "d2", "i1", "RUNNING").withDesired("STOPPED", "ServiceSchedulerInitiated", "x", 1L);
        one.tasks().insertAll(List.of(stopping));

        Map<String, TaskRows.Counts> counts = two.tasks().liveCountsOfService(SERVICE);
        assertThat(counts).containsOnlyKeys("d1", "d2");
        assertThat(counts.get("d1")).isEqualTo(new TaskRows.Counts(2, 1));
        assertThat(counts.get("d2"))
                .as("STOPPED and wanted-STOPPED tasks do not count")
                .isEqualTo(new TaskRows.Counts(0, 1));
        assertThat(two.tasks().liveCountsOfService("arn:aws:ecs:us-east-1:123456789012:service/default/none"))
                .isEmpty();
    }

    @Test
    void aBatchInsertIsAllOrNothing() {
        TaskRow t = task("dup", "d1", "i1", "PROVISIONING");
        one.tasks().insertAll(List.of(t));
        TaskRow fresh = task("new", "d1", "i1", "PROVISIONING");
        Assertions.assertThatThrownBy(() -> one.tasks().insertAll(List.of(fresh, t)))
                .isInstanceOf(RuntimeException.class);
        assertThat(two.tasks().find(fresh.arn()))
                .as("nothing of a failed batch is written")
                .isEmpty();
        assertThat(one.tasks().find(fresh.arn())).isEmpty();
    }

    private static TaskRow task(String id, String deployment, String instance, String lastStatus) {
        String arn = "arn:aws:ecs:us-east-1:123456789012:task/default/" + id;
        List<TaskRow.ContainerRow> containers = List.of(new TaskRow.ContainerRow(
                "app", arn + "/app", "r/app:v1", "r/app:v1", null, "PENDING", null, null, null, true));
        return new TaskRow(
                arn,
                "default",
                "arn:aws:ecs:us-east-1:123456789012:cluster/default",
                "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1",
                SERVICE,
                deployment,
                deployment,
                "service:web",
                instance,
                "RUNNING",
                lastStatus,
                containers,
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
