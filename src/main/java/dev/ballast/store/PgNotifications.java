package dev.ballast.store;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL side of {@link Changes}: one thread holding one dedicated connection (outside the pool) that
 * {@code LISTEN}s on {@value Changes#CHANNEL} and hands every notification to {@link Changes#received}. When the
 * connection is lost it reconnects (after 1 s, then up to 5 s between attempts) and, once listening again,
 * tells {@link Changes} that everything may have changed. An idle connection is checked with {@code SELECT 1}
 * every 30 s, so that a connection that died silently is noticed.
 */
final class PgNotifications implements AutoCloseable {
    /** The {@code application_name} of the listening connection (operators and tests find it by this name). */
    static final String APPLICATION_NAME = Changes.CONNECTION_NAME;

    private static final Logger LOG = LoggerFactory.getLogger(PgNotifications.class);
    private static final int RECEIVE_MILLIS = 5_000;
    private static final long CHECK_IDLE_MILLIS = 30_000;

    private final String jdbcUrl;
    private final Changes changes;
    private final AtomicLong queries;
    private final AtomicLong connects = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Connection current;

    PgNotifications(String jdbcUrl, Changes changes, AtomicLong queries) {
        this.jdbcUrl = jdbcUrl;
        this.changes = changes;
        this.queries = queries;
        this.thread = Thread.ofPlatform().daemon().name("store-notifications").unstarted(this::run);
    }

    PgNotifications start() {
        thread.start();
        return this;
    }

    /** How many times the connection was opened and LISTENed (1 until a connection is lost). */
    long connects() {
        return connects.get();
    }

    private void run() {
        long backoff = 1_000;
        while (running) {
            Properties props = new Properties();
            props.setProperty("ApplicationName", APPLICATION_NAME);
            try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
                current = c;
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + Changes.CHANNEL);
                    queries.incrementAndGet();
                }
                connects.incrementAndGet();
                changes.listening(true);
                backoff = 1_000;
                receive(c);
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    return;
                }
                if (changes.reliable()) {
                    changes.listening(false);
                }
                LOG.warn("change notifications: connection lost, reconnecting in {} ms: {}", backoff, e.toString());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = Math.min(5_000, backoff * 2);
            } finally {
                current = null;
            }
        }
    }

    private void receive(Connection c) throws SQLException {
        PGConnection pg = c.unwrap(PGConnection.class);
        long quietSince = System.nanoTime();
        while (running) {
            PGNotification[] received = pg.getNotifications(RECEIVE_MILLIS);
            if (received != null && received.length > 0) {
                for (PGNotification n : received) {
                    changes.received(n.getParameter());
                }
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > CHECK_IDLE_MILLIS * 1_000_000) {
                try (Statement s = c.createStatement()) {
                    s.execute("SELECT 1");
                    queries.incrementAndGet();
                }
                quietSince = System.nanoTime();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        Connection c = current;
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                LOG.debug("closing the notification connection: {}", e.toString());
            }
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
