package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.StopCause;
import dev.ballast.testing.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * V11 (typed stop cause): a task an older server stopped for failing its health checks — known then only by its
 * stoppedReason prose — reads back with {@link StopCause#HEALTH_CHECK_FAILED}, on SQLite and on PostgreSQL, so
 * the circuit breaker keeps counting it; other stopped tasks (a user's StopTask with the same words, a scale-in)
 * get no cause, and every document stays readable.
 */
class StopCauseMigrationIT {
    private static final String HEALTH = "Task failed container health checks";

    @Test
    void sqlite_health_failed_tasks_get_their_cause() throws Exception {
        Path dir = Files.createTempDirectory("ballast-v11-");
        String url = "jdbc:sqlite:" + dir.resolve("ballast.db").toAbsolutePath();
        migrateBeforeV11AndWriteOldTasks(url);
        try (Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            assertUpgraded(store);
        }
    }

    @Test
    void postgres_health_failed_tasks_get_their_cause() throws Exception {
        String url = PostgresFixture.newDatabase();
        migrateBeforeV11AndWriteOldTasks(url);
        try (Store store = Store.openPostgres(url, Clock.systemUTC())) {
            assertUpgraded(store);
        }
    }

    private static void migrateBeforeV11AndWriteOldTasks(String url) throws Exception {
        MigrationVersion v11 = MigrationVersion.fromVersion("11");
        Flyway all = Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .load();
        MigrationVersion before = Arrays.stream(all.info().all())
                .map(MigrationInfo::getVersion)
                .filter(v -> v.compareTo(v11) < 0)
                .max(MigrationVersion::compareTo)
                .orElseThrow();
        assertThat(Arrays.stream(all.info().all()).map(MigrationInfo::getVersion))
                .contains(v11);
        Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .target(before)
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            task(c, "sick", "ServiceSchedulerInitiated", HEALTH);
            task(c, "user", "UserInitiated", HEALTH);
            task(c, "scaled", "ServiceSchedulerInitiated", "Scaling activity initiated by (deployment d1)");
            task(c, "running", null, null);
        }
    }

    private static void assertUpgraded(Store store) {
        assertThat(find(store, "sick").stopCause()).isEqualTo(StopCause.HEALTH_CHECK_FAILED);
        assertThat(find(store, "sick").stoppedReason()).isEqualTo(HEALTH);
        assertThat(find(store, "sick"))
                .isEqualTo(
                        old("sick", "ServiceSchedulerInitiated", HEALTH).withStopCause(StopCause.HEALTH_CHECK_FAILED));
        for (String other : List.of("user", "scaled", "running")) {
            assertThat(find(store, other).stopCause()).as(other).isNull();
        }
        assertThat(find(store, "user")).isEqualTo(old("user", "UserInitiated", HEALTH));
    }

    private static TaskRow find(Store store, String id) {
        return store.tasks().find(arn(id)).orElseThrow().value();
    }

    private static String arn(String id) {
        return "arn:aws:ecs:us-east-1:000000000000:task/default/" + id;
    }

    /** A task as an older server stored it (no stop cause). */
    private static TaskRow old(String id, String stopCode, String reason) {
        return new TaskRow(
                arn(id),
                "default",
                "arn:aws:ecs:us-east-1:000000000000:cluster/default",
                "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
                "arn:aws:ecs:us-east-1:000000000000:service/default/web",
                "d1",
                "d1",
                "service:web",
                "i1",
                stopCode == null ? "RUNNING" : "STOPPED",
                "RUNNING",
                List.of(new TaskRow.ContainerRow(
                        "app",
                        arn(id) + "/app",
                        "r/app:v1",
                        "r/app:v1",
                        null,
                        "RUNNING",
                        null,
                        null,
                        "c1",
                        true,
                        null,
                        "UNHEALTHY")),
                stopCode,
                reason,
                null,
                0,
                0,
                1_000,
                null,
                null,
                1_500L,
                stopCode == null ? null : 2_000L,
                null,
                0);
    }

    private static void task(Connection c, String id, String stopCode, String reason) throws Exception {
        TaskRow t = old(id, stopCode, reason);
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO tasks (arn, cluster, task_definition_arn, service_arn,"
                        + " deployment_id, desired_status, last_status, doc, created_at, updated_at, version)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1000, 1000, 1)")) {
            s.setString(1, t.arn());
            s.setString(2, t.cluster());
            s.setString(3, t.taskDefinitionArn());
            s.setString(4, t.serviceArn());
            s.setString(5, t.deploymentId());
            s.setString(6, t.desiredStatus());
            s.setString(7, t.lastStatus());
            s.setString(8, DocTable.MAPPER.writeValueAsString(t));
            s.executeUpdate();
        }
    }
}
