package dev.ballast.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ballast.core.PrivateFiles;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Clock;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relational store: SQLite (WAL) in the data directory by default, or PostgreSQL given a JDBC URL.
 * Opening runs the schema migrations. Repositories for each resource hang off this object.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    /** Which database is behind the store. */
    public enum Dialect { SQLITE, POSTGRESQL }

    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final Dialect dialect;
    private final Clock clock;
    private final Services services;
    private final Revisions revisions;
    private final Deployments deployments;
    private final TaskRows tasks;
    private final Instances instances;
    private final TaskDefinitions taskDefinitions;

    private Store(HikariDataSource dataSource, Dialect dialect, Clock clock) {
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.clock = clock;
        this.jdbi = Jdbi.create(dataSource);
        this.services = new Services(this);
        this.revisions = new Revisions(this);
        this.deployments = new Deployments(this);
        this.tasks = new TaskRows(this);
        this.instances = new Instances(this);
        this.taskDefinitions = new TaskDefinitions(this);
    }

    /**
     * SQLite in {@code dataDir/ballast.db}. The directory is created mode 700 and the database 600 (SQLite
     * gives its -wal and -shm files the database's mode) if needed; existing ones open to group or others
     * are logged as warnings.
     */
    public static Store openSqlite(Path dataDir, Clock clock) {
        Path db = dataDir.resolve("ballast.db");
        try {
            PrivateFiles.createDirectories(dataDir);
            PrivateFiles.createFile(db);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("create data directory " + dataDir + ": " + e.getMessage(), e);
        }
        PrivateFiles.exposed(dataDir, "the data directory").ifPresent(LOG::warn);
        for (String file : List.of("ballast.db", "ballast.db-wal", "ballast.db-shm")) {
            PrivateFiles.exposed(dataDir.resolve(file), "the store file").ifPresent(LOG::warn);
        }
        SQLiteConfig config = new SQLiteConfig();
        config.setJournalMode(SQLiteConfig.JournalMode.WAL);
        // NORMAL in WAL mode: an acknowledged commit survives a process crash (kill -9); only power loss
        // may drop the last transactions.
        config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
        config.setBusyTimeout(10_000);
        config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        config.enforceForeignKeys(true);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + db.toAbsolutePath());
        HikariConfig hikari = new HikariConfig();
        hikari.setDataSource(sqlite);
        hikari.setPoolName("ballast-sqlite");
        hikari.setMaximumPoolSize(8);
        return open(new HikariDataSource(hikari), Dialect.SQLITE, clock);
    }

    /** PostgreSQL at a JDBC URL ({@code jdbc:postgresql://host:port/db?user=…&password=…}). */
    public static Store openPostgres(String jdbcUrl, Clock clock) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("store URL must start with jdbc:postgresql: (got a URL of another kind)");
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setPoolName("ballast-postgresql");
        hikari.setMaximumPoolSize(16);
        hikari.setInitializationFailTimeout(10_000);
        return open(new HikariDataSource(hikari), Dialect.POSTGRESQL, clock);
    }

    private static Store open(HikariDataSource ds, Dialect dialect, Clock clock) {
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
            return new Store(ds, dialect, clock);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    public Dialect dialect() {
        return dialect;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    long now() {
        return clock.millis();
    }

    public Clusters clusters() {
        return new Clusters(this);
    }

    public TaskDefinitions taskDefinitions() {
        return taskDefinitions;
    }

    public AccountSettings accountSettings() {
        return new AccountSettings(this);
    }

    public Tags tags() {
        return new Tags(this);
    }

    public Services services() {
        return services;
    }

    public Revisions revisions() {
        return revisions;
    }

    public Deployments deployments() {
        return deployments;
    }

    public Leases leases() {
        return new Leases(this);
    }

    public TaskRows tasks() {
        return tasks;
    }

    public Instances instances() {
        return instances;
    }

    public Events events() {
        return new Events(this);
    }

    public ImageRules imageRules() {
        return new ImageRules(this);
    }

    /**
     * Runs {@code body} while holding a lock named {@code name} across every server sharing this store: a
     * PostgreSQL transaction-scoped advisory lock, held by a transaction that ends after {@code body}
     * returns (so what {@code body} committed on other connections is visible to the next holder). On SQLite
     * a data directory has one server, and callers serialise within the process themselves.
     */
    public <T> T withSharedLock(String name, java.util.function.Supplier<T> body) {
        if (dialect != Dialect.POSTGRESQL) {
            return body.get();
        }
        return jdbi.inTransaction(h -> {
            h.createQuery("SELECT pg_advisory_xact_lock(:key)").bind("key", lockKey(name)).mapToMap().list();
            return body.get();
        });
    }

    /** A stable 64-bit key for an advisory lock name (the first 8 bytes of its SHA-256). */
    static long lockKey(String name) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(
                    ("ballast/" + name).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.nio.ByteBuffer.wrap(h).getLong();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** True when the database answers a trivial query. */
    public boolean isReachable() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
