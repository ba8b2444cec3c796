package dev.ballast.store;

import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.transaction.DelegatingTransactionHandler;
import org.jdbi.v3.core.transaction.TransactionHandler;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;

/**
 * SQLite only: this process's transactions run one at a time behind a Java lock. SQLite serialises writers
 * anyway (transactions here are IMMEDIATE), but a connection that finds the database locked waits in the
 * driver's native busy handler, which pins a virtual thread's carrier: with two cores, two API requests waiting
 * there could hold both carriers while the transaction they wait for needed one (seen with eight concurrent
 * CreateService calls). Waiting on this lock parks instead, so the holder always finishes; the lock is fair, so a
 * stream of writers (the controllers' passes) cannot starve another (an API call).
 */
final class SerializedTransactions extends DelegatingTransactionHandler {
    private final ReentrantLock lock;

    SerializedTransactions(TransactionHandler delegate, ReentrantLock lock) {
        super(delegate);
        this.lock = lock;
    }

    @Override
    public TransactionHandler specialize(Handle handle) throws SQLException {
        return new SerializedTransactions(getDelegate().specialize(handle), lock);
    }

    @Override
    public <R, X extends Exception> R inTransaction(Handle handle, HandleCallback<R, X> callback) throws X {
        lock.lock();
        try {
            return super.inTransaction(handle, callback);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public <R, X extends Exception> R inTransaction(
            Handle handle, TransactionIsolationLevel level, HandleCallback<R, X> callback) throws X {
        lock.lock();
        try {
            return super.inTransaction(handle, level, callback);
        } finally {
            lock.unlock();
        }
    }
}
