package dev.ballast.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.ballast.core.Ids;
import dev.ballast.core.PrivateFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlLogger;
import org.jdbi.v3.core.statement.StatementContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The relational store: SQLite (WAL) in the data directory by default, or PostgreSQL given a JDBC URL.
 * Opening runs the schema migrations. Repositories for each resource hang off this object.
 */
public final class Store implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    /** The longest a statement waits for a PostgreSQL connection from the pool (docs/decisions.md). */
    static final long CONNECTION_TIMEOUT_MILLIS = 5_000;

    /** Which database is behind the store. */
    public enum Dialect {
        SQLITE,
        POSTGRESQL
    }

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
    private final AtomicLong queries = new AtomicLong();
    private final ConcurrentMap<String, ReentrantLock> localLocks = new ConcurrentHashMap<>();
    private final Changes changes;
    private final Heartbeats heartbeats;
    private final PgNotifications notifications;
    /**
     * How long PostgreSQL lets a transaction of this server sit idle (waiting for its next statement) before it ends
     * it and its session, releasing its locks. Ballast's transactions are short; only a stopped process idles.
     */
    public static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(10);

    /**
     * The PostgreSQL {@code application_name} of replica {@code holder}'s connections: its per-process suffix first
     * (the name is cut at 63 bytes), then its node name.
     */
    public static String applicationName(String holder) {
        int slash = holder.lastIndexOf('/');
        String name = "ballast " + holder.substring(slash + 1) + " " + holder.substring(0, Math.max(slash, 0));
        return name.length() > 63 ? name.substring(0, 63) : name;
    }

    /** The fence the current thread's writes run under ({@link #fenced}); null: none. */
    private static final ThreadLocal<Fence> FENCE = new ThreadLocal<>();

    private final String jdbcUrl;
    private final ReentrantLock leaseLock = new ReentrantLock(); // guards leasePool and leaseJdbi
    private HikariDataSource leasePool; // PostgreSQL: opened on first use by the shard leases
    private Jdbi leaseJdbi;

    private Store(HikariDataSource dataSource, Dialect dialect, Clock clock, String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.clock = clock;
        this.jdbi = Jdbi.create(dataSource);
        jdbi.setSqlLogger(new SqlLogger() {
            @Override
            public void logAfterExecution(StatementContext context) {
                queries.incrementAndGet();
            }

            @Override
            public void logException(StatementContext context, SQLException ex) {
                queries.incrementAndGet();
            }
        });
        jdbi.setTransactionHandler(new FencingTransactions(jdbi.getTransactionHandler(), FENCE::get, dialect));
        jdbi.addCustomizer(FencingTransactions.autocommitWrites(FENCE::get));
        this.changes = new Changes(dialect == Dialect.POSTGRESQL, new Ids().hex32());
        this.heartbeats = new Heartbeats(this);
        this.services = new Services(this);
        this.revisions = new Revisions(this);
        this.deployments = new Deployments(this);
        this.tasks = new TaskRows(this);
        this.instances = new Instances(this);
        this.taskDefinitions = new TaskDefinitions(this);
        this.notifications = jdbcUrl == null ? null : new PgNotifications(jdbcUrl, changes, queries).start();
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
        } catch (IOException e) {
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
        return open(new HikariDataSource(hikari), Dialect.SQLITE, clock, null);
    }

    /** PostgreSQL at a JDBC URL ({@code jdbc:postgresql://host:port/db?user=…&password=…}). */
    public static Store openPostgres(String jdbcUrl, Clock clock) {
        return openPostgres(jdbcUrl, clock, null);
    }

    /**
     * As {@link #openPostgres(String, Clock)}, every connection of this server naming it as replica {@code holder}
     * ({@code application_name}, {@link #applicationName}): a replica that takes over the shards of one no longer
     * live can then end that replica's sessions, and with them the locks a stopped process still holds.
     */
    public static Store openPostgres(String jdbcUrl, Clock clock, String holder) {
        if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException(
                    "store URL must start with jdbc:postgresql: (got a URL of another kind)");
        }
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(jdbcUrl);
        // While PostgreSQL is down or restarting a request waits at most this long for a connection, then fails
        // with a retryable error (TransientFailure); HikariCP's default is 30 s.
        hikari.setConnectionTimeout(CONNECTION_TIMEOUT_MILLIS);
        hikari.setPoolName("ballast-postgresql");
        if (holder != null) {
            hikari.addDataSourceProperty("ApplicationName", applicationName(holder));
        }
        hikari.setMaximumPoolSize(16);
        hikari.setInitializationFailTimeout(10_000);
        // A replica stopped (SIGSTOP, a frozen VM) inside a transaction would keep its locks — a shard row's share
        // lock, a placement lock — for as long as its connection lives: PostgreSQL ends such a transaction instead.
        hikari.setConnectionInitSql(
                "SET idle_in_transaction_session_timeout = '" + IDLE_IN_TRANSACTION.toMillis() + "ms'");
        return open(new HikariDataSource(hikari), Dialect.POSTGRESQL, clock, jdbcUrl);
    }

    private static Store open(HikariDataSource ds, Dialect dialect, Clock clock, String jdbcUrl) {
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration")
                    .loggers("slf4j")
                    .load()
                    .migrate();
            return new Store(ds, dialect, clock, jdbcUrl);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** Change notifications of this store's writes (and, on PostgreSQL, of every replica's). */
    public Changes changes() {
        return changes;
    }

    /** Agent heartbeats recorded in memory and written in batches. */
    public Heartbeats heartbeats() {
        return heartbeats;
    }

    /**
     * Statements this store has run since it opened (each JDBI statement or batch counts once, as do the
     * notification connection's); published as {@code ballast_db_queries_total}.
     */
    public long queries() {
        return queries.get();
    }

    /** How many times the PostgreSQL notification connection was opened and listening (0 on SQLite). */
    public long notificationConnects() {
        return notifications == null ? 0 : notifications.connects();
    }

    public Dialect dialect() {
        return dialect;
    }

    Jdbi jdbi() {
        return jdbi;
    }

    /**
     * The connections the shard leases use: on PostgreSQL a pool of their own (2 connections, 2 s wait), so that a
     * replica renews its lease however busy the API's pool is; on SQLite the one pool.
     */
    Jdbi leaseJdbi() {
        if (jdbcUrl == null) {
            return jdbi;
        }
        leaseLock.lock();
        try {
            return openLeasePool();
        } finally {
            leaseLock.unlock();
        }
    }

    private Jdbi openLeasePool() {
        if (leaseJdbi == null) {
            HikariConfig hikari = new HikariConfig();
            hikari.setJdbcUrl(jdbcUrl);
            hikari.setPoolName("ballast-leases");
            Object app = dataSource.getDataSourceProperties().get("ApplicationName");
            if (app != null) {
                hikari.addDataSourceProperty("ApplicationName", app);
            }
            hikari.setMaximumPoolSize(2);
            hikari.setMinimumIdle(1);
            hikari.setConnectionTimeout(2_000);
            hikari.setInitializationFailTimeout(-1); // the store may be down now: the next pass tries again
            leasePool = new HikariDataSource(hikari);
            leaseJdbi = Jdbi.create(leasePool);
        }
        return leaseJdbi;
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

    /** The replicas sharing this store and who holds each shard. */
    public ShardLeases shardLeases() {
        return new ShardLeases(this);
    }

    /**
     * Runs {@code body} with its writes under {@code fence}: every transaction it opens on this thread is refused
     * with a {@link FencedException} (and rolled back) once the fence's shard has changed hands. Fences do not nest.
     */
    public <T> T fenced(Fence fence, Supplier<T> body) {
        Fence outer = FENCE.get();
        if (outer != null && !outer.equals(fence)) {
            throw new IllegalStateException("already writing under " + outer + ", cannot also under " + fence);
        }
        FENCE.set(fence);
        try {
            return body.get();
        } finally {
            if (outer == null) {
                FENCE.remove();
            }
        }
    }

    /** The fence this thread's writes run under now, if any. */
    public Optional<Fence> currentFence() {
        return Optional.ofNullable(FENCE.get());
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

    public ImagePolicies imagePolicies() {
        return new ImagePolicies(this);
    }

    public TagStates tagStates() {
        return new TagStates(this);
    }

    public IndexPlatforms indexPlatforms() {
        return new IndexPlatforms(this);
    }

    public MissingImages missingImages() {
        return new MissingImages(this);
    }

    public Approvals approvals() {
        return new Approvals(this);
    }

    /** The deployments started because a tag moved (migration V13). */
    public MovedTagRollouts movedTagRollouts() {
        return new MovedTagRollouts(this);
    }

    /** Capacity providers and their cluster associations (migration V14). */
    public CapacityProviders capacityProviders() {
        return new CapacityProviders(this);
    }

    public ImageRules imageRules() {
        return new ImageRules(this);
    }

    /**
     * Runs {@code body} while holding a lock named {@code name} in this process and across every server sharing
     * this store: first an in-process lock of that name (a {@link ReentrantLock}, not a monitor, so waiting virtual
     * threads do not pin their carriers; one per name for the life of the process), then on PostgreSQL a
     * transaction-scoped advisory lock, held by a transaction that ends after {@code body} returns (so what
     * {@code body} committed is visible to the next holder). On SQLite a data directory has one server, so the
     * in-process lock is the whole of it. Every holder takes them in that order.
     */
    public <T> T withSharedLock(String name, Supplier<T> body) {
        ReentrantLock local = localLocks.computeIfAbsent(name, n -> new ReentrantLock());
        local.lock();
        try {
            if (dialect != Dialect.POSTGRESQL) {
                return body.get();
            }
            return jdbi.inTransaction(h -> {
                h.createQuery("SELECT pg_advisory_xact_lock(:key)")
                        .bind("key", lockKey(name))
                        .mapToMap()
                        .list();
                return body.get();
            });
        } finally {
            local.unlock();
        }
    }

    /** A stable 64-bit key for an advisory lock name (the first 8 bytes of its SHA-256). */
    static long lockKey(String name) {
        try {
            byte[] h =
                    MessageDigest.getInstance("SHA-256").digest(("ballast/" + name).getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(h).getLong();
        } catch (NoSuchAlgorithmException e) {
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
        if (notifications != null) {
            notifications.close();
        }
        try {
            heartbeats.flush(); // a restarted server does not lose the last heartbeats it heard
        } catch (RuntimeException e) {
            LOG.warn("could not write the last agent heartbeats on close: {}", e.toString());
        }
        leaseLock.lock();
        try {
            if (leasePool != null) {
                leasePool.close();
            }
        } finally {
            leaseLock.unlock();
        }
        dataSource.close();
    }
}
