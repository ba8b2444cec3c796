package dev.ballast.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.function.Supplier;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * Makes every write under a {@link Fence} check it: an outermost transaction opened on a thread with a fence set
 * ({@link Store#fenced}) first runs the check ({@link ShardLeases#stillHeld}) inside that transaction and is rolled
 * back with a {@link FencedException} when the shard has moved; nested transactions join the outer one, already
 * checked. Every store write runs in a transaction; a write statement run outside any transaction under a fence
 * (autocommit) is a mistake: with the system property {@value #STRICT} set to {@code true} (the tests set it) it is
 * refused with an {@link IllegalStateException}, otherwise it is checked just before it runs (the check and the
 * write are then two statements, not one atomic step).
 */
final class FencingTransactions extends DelegatingTransactionHandler {
    /** The system property that makes a fenced write outside a transaction fail instead of being checked. */
    static final String STRICT = "ballast.fence.strict";

    private final Supplier<Fence> fence;
    private final Store.Dialect dialect;

    FencingTransactions(TransactionHandler delegate, Supplier<Fence> fence, Store.Dialect dialect) {
        super(delegate);
        this.fence = fence;
        this.dialect = dialect;
    }

    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        return new FencingTransactions(getDelegate().specialize(handle), fence, dialect);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        Fence f = fence.get();
        if (f == null || getDelegate().isInTransaction(handle)) {
            return getDelegate().inTransaction(handle, callback);
        }
        return getDelegate().inTransaction(handle, h -> {
            check(h, f);
            return callback.withHandle(h);
        });
    }

    @Override
    public <R, X extends Exception> R inTransaction(
            Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
        Fence f = fence.get();
        if (f == null || getDelegate().isInTransaction(handle)) {
            return getDelegate().inTransaction(handle, level, callback);
        }
        return getDelegate().inTransaction(handle, level, h -> {
            check(h, f);
            return callback.withHandle(h);
        });
    }

    private void check(Handle h, Fence f) {
        if (!ShardLeases.stillHeld(h, f, dialect)) {
            throw new FencedException(f);
        }
    }

    /** The check for a write statement run outside a transaction under a fence. */
    static StatementCustomizer autocommitWrites(Supplier<Fence> fence) {
        return autocommitWrites(fence, Boolean.getBoolean(STRICT));
    }

    /** As above; {@code strict}: refuse such a write (a store write that should run in a transaction) instead. */
    static StatementCustomizer autocommitWrites(Supplier<Fence> fence, boolean strict) {
        return new StatementCustomizer() {
            @Override
            public void beforeExecution(PreparedStatement stmt, StatementContext ctx) throws SQLException {
                Fence f = fence.get();
                Connection c = ctx.getConnection();
                if (f == null || !c.getAutoCommit() || !isWrite(ctx.getRenderedSql())) {
                    return;
                }
                if (strict) {
                    throw new IllegalStateException(
                            "a fenced write must run in a transaction: " + ctx.getRenderedSql() + " (under " + f + ")");
                }
                try (PreparedStatement q =
                        c.prepareStatement("SELECT token FROM shard_leases WHERE shard = ? AND holder = ?")) {
                    q.setInt(1, f.shard());
                    q.setString(2, f.holder());
                    try (ResultSet rs = q.executeQuery()) {
                        if (!rs.next() || rs.getLong(1) != f.token()) {
                            throw new FencedException(f);
                        }
                    }
                }
            }
        };
    }

    private static boolean isWrite(String sql) {
        String s = sql == null ? "" : sql.stripLeading().toUpperCase(Locale.ROOT);
        return s.startsWith("INSERT") || s.startsWith("UPDATE") || s.startsWith("DELETE");
    }
}
