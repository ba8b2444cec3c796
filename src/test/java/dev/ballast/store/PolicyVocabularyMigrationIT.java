package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ballast.model.Mode;
import dev.ballast.resolve.PolicyInputs;
import dev.ballast.resolve.PolicyLoader;
import dev.ballast.testing.PostgresFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.util.Arrays;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.junit.jupiter.api.Test;

/**
 * V8 (one policy vocabulary): an install whose account or cluster setting {@code versionConsistency} was
 * {@code enabled} — which then meant best-effort — still decides best-effort after the upgrade, on SQLite
 * and on PostgreSQL; {@code disabled}, other settings and other clusters are left alone.
 */
class PolicyVocabularyMigrationIT {
    private static final String ROOT = "arn:aws:iam::000000000000:root";
    private static final String OLD_DOC = "{\"settings\":[{\"name\":\"containerInsights\",\"value\":\"enabled\"},"
            + "{\"name\":\"versionConsistency\",\"value\":\"enabled\"}]}";
    private static final String OFF_DOC = "{\"settings\":[{\"name\":\"versionConsistency\",\"value\":\"disabled\"}]}";

    @Test
    void sqlite_settings_enabled_become_best_effort() throws Exception {
        Path dir = Files.createTempDirectory("ballast-v8-");
        String url = "jdbc:sqlite:" + dir.resolve("ballast.db").toAbsolutePath();
        migrateBeforeV8AndWriteOldSettings(url);
        try (Store store = Store.openSqlite(dir, Clock.systemUTC())) {
            assertUpgraded(store);
        }
    }

    @Test
    void postgres_settings_enabled_become_best_effort() throws Exception {
        String url = PostgresFixture.newDatabase();
        migrateBeforeV8AndWriteOldSettings(url);
        try (Store store = Store.openPostgres(url, Clock.systemUTC())) {
            assertUpgraded(store);
        }
    }

    /** Migrates to the last version before 8 (whatever the others are), then stores what an older server did. */
    private static void migrateBeforeV8AndWriteOldSettings(String url) throws Exception {
        MigrationVersion v8 = MigrationVersion.fromVersion("8");
        Flyway all = Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .load();
        MigrationVersion before = Arrays.stream(all.info().all())
                .map(MigrationInfo::getVersion)
                .filter(v -> v.compareTo(v8) < 0)
                .max(MigrationVersion::compareTo)
                .orElseThrow();
        assertThat(Arrays.stream(all.info().all()).map(MigrationInfo::getVersion))
                .contains(v8);
        Flyway.configure()
                .dataSource(url, null, null)
                .locations("classpath:db/migration")
                .target(before)
                .load()
                .migrate();
        try (Connection c = DriverManager.getConnection(url)) {
            setting(c, "versionConsistency", ROOT, "enabled");
            setting(c, "versionConsistency", "arn:aws:iam::000000000000:role/deployer", "disabled");
            setting(c, "containerInsights", ROOT, "enabled");
            cluster(c, "old", OLD_DOC);
            cluster(c, "quiet", OFF_DOC);
        }
    }

    private static void assertUpgraded(Store store) {
        assertThat(store.accountSettings().find("versionConsistency", ROOT))
                .map(AccountSettings.Setting::value)
                .contains("best-effort");
        assertThat(store.accountSettings().find("versionConsistency", "arn:aws:iam::000000000000:role/deployer"))
                .map(AccountSettings.Setting::value)
                .contains("disabled");
        assertThat(store.accountSettings().find("containerInsights", ROOT))
                .map(AccountSettings.Setting::value)
                .contains("enabled");
        assertThat(store.clusters().find("old").orElseThrow().doc())
                .isEqualTo(OLD_DOC.replace(
                        "\"versionConsistency\",\"value\":\"enabled\"",
                        "\"versionConsistency\",\"value\":\"best-effort\""));
        assertThat(store.clusters().find("quiet").orElseThrow().doc()).isEqualTo(OFF_DOC);

        PolicyInputs in = new PolicyLoader(store).load("arn:aws:ecs:us-east-1:000000000000:cluster/old");
        assertThat(in.clusterSetting().flatMap(Mode::of)).contains(Mode.BEST_EFFORT);
        assertThat(in.accountSetting().flatMap(Mode::of)).isEqualTo(Optional.of(Mode.BEST_EFFORT));
    }

    private static void setting(Connection c, String name, String principal, String value) throws Exception {
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO account_settings (name, principal_arn, value, updated_at) VALUES (?, ?, ?, 0)")) {
            s.setString(1, name);
            s.setString(2, principal);
            s.setString(3, value);
            s.executeUpdate();
        }
    }

    private static void cluster(Connection c, String name, String doc) throws Exception {
        try (PreparedStatement s =
                c.prepareStatement("INSERT INTO clusters (name, arn, status, doc, created_at, updated_at)"
                        + " VALUES (?, ?, 'ACTIVE', ?, 0, 0)")) {
            s.setString(1, name);
            s.setString(2, "arn:aws:ecs:us-east-1:000000000000:cluster/" + name);
            s.setString(3, doc);
            s.executeUpdate();
        }
    }
}
