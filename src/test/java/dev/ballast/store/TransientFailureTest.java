package dev.ballast.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which database failures are transient (retryable): by SQLState through JDBI's wrapping, HikariCP's timeout for
 * a database that refuses connections, and SQLite's busy error from a real second writer.
 */
class TransientFailureTest {

    static Stream<Arguments> states() {
        return Stream.of(
                Arguments.of("08001", TransientFailure.UNAVAILABLE), // unable to connect
                Arguments.of("08006", TransientFailure.UNAVAILABLE), // connection failure (I/O error)
                Arguments.of("08003", TransientFailure.UNAVAILABLE), // connection closed
                Arguments.of("57P01", TransientFailure.UNAVAILABLE), // admin_shutdown
                Arguments.of("57P02", TransientFailure.UNAVAILABLE), // crash_shutdown
                Arguments.of("57P03", TransientFailure.UNAVAILABLE), // cannot_connect_now (starting up)
                Arguments.of("53300", TransientFailure.UNAVAILABLE), // too_many_connections
                Arguments.of("40001", TransientFailure.CONTENDED), // serialization_failure
                Arguments.of("40P01", TransientFailure.CONTENDED), // deadlock_detected
                Arguments.of("23505", null), // unique_violation: a bug or an unchecked conflict, not transient
                Arguments.of("42P01", null), // undefined_table
                Arguments.of("57P04", null), // database_dropped
                Arguments.of(null, null));
    }

    @ParameterizedTest
    @MethodSource("states")
    void classifiesBySqlStateThroughWrapping(String state, TransientFailure expected) {
        SQLException sql = new SQLException("driver says so", state);
        assertThat(TransientFailure.of(sql)).isEqualTo(Optional.ofNullable(expected));
        RuntimeException wrapped = new IllegalStateException("reconcile x", new RuntimeException("jdbi", sql));
        assertThat(TransientFailure.of(wrapped)).isEqualTo(Optional.ofNullable(expected));
    }

    @Test
    void failuresWithoutAnSqlExceptionAreFaults() {
        assertThat(TransientFailure.of(new NullPointerException("bug"))).isEmpty();
        assertThat(TransientFailure.of(new IllegalStateException("x", new ArithmeticException())))
                .isEmpty();
    }

    @Test
    void aPoolThatCannotConnectWithinItsTimeoutIsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:postgresql://127.0.0.1:" + closedPort + "/none?user=x&password=x");
        config.setConnectionTimeout(250);
        config.setInitializationFailTimeout(-1); // start without a connection, as a running server's pool is
        try (HikariDataSource ds = new HikariDataSource(config)) {
            Throwable failure = catchThrowable(() -> Jdbi.create(ds)
                    .withHandle(
                            h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()));
            assertThat(failure).isNotNull();
            assertThat(TransientFailure.of(failure)).contains(TransientFailure.UNAVAILABLE);
        }
    }

    @Test
    void sqliteBusyPastItsTimeoutIsContended() throws Exception {
        Path db = Files.createTempDirectory("ballast-busy-").resolve("busy.db");
        String url = "jdbc:sqlite:" + db;
        try (Connection holder = DriverManager.getConnection(url);
                Connection other = DriverManager.getConnection(url);
                Statement h = holder.createStatement();
                Statement o = other.createStatement()) {
            h.execute("CREATE TABLE t (x INTEGER)");
            h.execute("BEGIN IMMEDIATE");
            h.execute("INSERT INTO t VALUES (1)");
            o.execute("PRAGMA busy_timeout = 0");
            Throwable failure = catchThrowable(() -> o.execute("INSERT INTO t VALUES (2)"));
            assertThat(failure).isInstanceOf(SQLException.class);
            assertThat(TransientFailure.of(failure)).contains(TransientFailure.CONTENDED);
            Throwable notBusy = catchThrowable(() -> o.execute("INSERT INTO missing VALUES (2)"));
            assertThat(TransientFailure.of(notBusy)).isEmpty();
            h.execute("ROLLBACK");
        }
    }
}
