package dev.ballast.cli;

import dev.ballast.api.ApiServer;
import dev.ballast.api.EcsApi;
import dev.ballast.api.SigV4Authenticator;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.api.auth.SigV4Verifier;
import dev.ballast.core.Account;
import dev.ballast.store.Store;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of a running server: store, API, metrics and HTTP listener, wired by
 * constructor. Used by {@code ballast server} and by tests that run the server in-process.
 */
public final class BallastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BallastServer.class);

    /** Everything a server needs to start. {@code storeUrl} null means SQLite in {@code dataDir}. */
    public record Config(InetAddress bind, int port, Path dataDir, String storeUrl, Account account,
                         CredentialStore credentials, Clock clock) {}

    private final Store store;
    private final ApiServer api;

    private BallastServer(Store store, ApiServer api) {
        this.store = store;
        this.api = api;
    }

    public static BallastServer start(Config config) {
        Logging.init();
        if (config.credentials().isEmpty()) {
            throw new IllegalArgumentException("no API credentials configured");
        }
        Store store = config.storeUrl() == null
                ? Store.openSqlite(config.dataDir(), config.clock())
                : Store.openPostgres(config.storeUrl(), config.clock());
        try {
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new UptimeMetrics().bindTo(metrics);
            EcsApi ecs = new EcsApi(store, config.account());
            SigV4Authenticator auth = new SigV4Authenticator(new SigV4Verifier(config.credentials(), config.clock(), "ecs"));
            ApiServer api = ApiServer.start(config.bind(), config.port(), ecs.operations(), ecs.targetPrefixes(), auth,
                    metrics, store::isReachable);
            return new BallastServer(store, api);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public int port() {
        return api.port();
    }

    public Store store() {
        return store;
    }

    @Override
    public void close() {
        try {
            api.close();
        } finally {
            store.close();
            LOG.info("stopped");
        }
    }
}
