package dev.ballast.store;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.Set;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The database failures that the same request, retried, can get past — told apart from faults (a bug, a
 * constraint the code should have checked) in this one place, so that the API answers them with a retryable
 * error and logs them without a stack trace per request. A failure is classified by the first
 * {@link SQLException} in its cause chain (JDBI wraps the driver's and HikariCP's):
 *
 * <ul>
 *   <li>{@link #UNAVAILABLE}: no pooled connection within the pool's connection timeout (HikariCP's
 *       {@link SQLTransientConnectionException}, whatever the reason: the server is down, restarting, refusing
 *       logins), SQLState class {@code 08} (connection exception: refused, broken, closed), {@code 57P01}
 *       admin_shutdown, {@code 57P02} crash_shutdown, {@code 57P03} cannot_connect_now (starting up or
 *       shutting down), {@code 53300} too_many_connections;
 *   <li>{@link #CONTENDED}: {@code 40001} serialization_failure, {@code 40P01} deadlock_detected (PostgreSQL
 *       rolled the transaction back), and SQLite's {@code SQLITE_BUSY} after its busy timeout.
 * </ul>
 *
 * A failure during {@code COMMIT} is ambiguous (the transaction may have committed): it is classified the same
 * way, and a client retrying it sees either its write or a harmless conflict, as after any lost answer.
 */
public enum TransientFailure {
    /** The database cannot be reached, or is shutting down or starting up. */
    UNAVAILABLE,
    /** The database rolled the transaction back because of concurrent ones. */
    CONTENDED;

    private static final int MAX_DEPTH = 16;
    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");
    private static final Set<String> CONTENDED_STATES = Set.of("40001", "40P01");

    /** What kind of transient failure {@code failure} is, or empty when it is not one (a fault). */
    public static Optional<TransientFailure> of(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException) {
                return Optional.of(UNAVAILABLE);
            }
            if (t instanceof SQLException sql) {
                return of(sql);
            }
        }
        return Optional.empty();
    }

    private static Optional<TransientFailure> of(SQLException e) {
        if (e instanceof SQLiteException sqlite) {
            return sqlite.getResultCode() == SQLiteErrorCode.SQLITE_BUSY
                            || (sqlite.getErrorCode() & 0xff) == SQLiteErrorCode.SQLITE_BUSY.code
                    ? Optional.of(CONTENDED)
                    : Optional.empty();
        }
        String state = e.getSQLState();
        if (state == null) {
            return Optional.empty();
        }
        if (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)) {
            return Optional.of(UNAVAILABLE);
        }
        return CONTENDED_STATES.contains(state) ? Optional.of(CONTENDED) : Optional.empty();
    }
}
