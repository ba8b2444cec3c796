package dev.ballast.cli;

import dev.ballast.agent.EmbeddedAgents;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.api.ApiServer;
import dev.ballast.api.EcsApi;
import dev.ballast.api.SigV4Authenticator;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.api.auth.SigV4Verifier;
import dev.ballast.core.Account;
import dev.ballast.registry.CredentialSource;
import dev.ballast.registry.DockerConfigCredentials;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.store.Store;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of a running server: store, API, metrics and HTTP listener, wired by
 * constructor. Used by {@code ballast server} and by tests that run the server in-process.
 */
public final class BallastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BallastServer.class);

    /**
     * Everything a server needs to start. {@code storeUrl} null means SQLite in {@code dataDir};
     * {@code simulatedInstances} embedded simulated container instances join the {@code default} cluster.
     */
    public record Config(InetAddress bind, int port, Path dataDir, String storeUrl, Account account,
                         CredentialStore credentials, Clock clock, int simulatedInstances) {

        /** A server without embedded agents. */
        public Config(InetAddress bind, int port, Path dataDir, String storeUrl, Account account,
                      CredentialStore credentials, Clock clock) {
            this(bind, port, dataDir, storeUrl, account, credentials, clock, 0);
        }
    }

    static final String DEFAULT_CLUSTER = "default";

    private final Store store;
    private final ApiServer api;
    private final EmbeddedAgents agents;

    private BallastServer(Store store, ApiServer api, EmbeddedAgents agents) {
        this.store = store;
        this.api = api;
        this.agents = agents;
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
            try {
                return new BallastServer(store, api, startAgents(config, store, metrics));
            } catch (RuntimeException e) {
                api.close();
                throw e;
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static EmbeddedAgents startAgents(Config config, Store store, PrometheusMeterRegistry metrics) {
        if (config.simulatedInstances() <= 0) {
            return null;
        }
        store.clusters().createOrGet(DEFAULT_CLUSTER, config.account().clusterArn(DEFAULT_CLUSTER), "{\"settings\":[]}",
                List.of());
        CredentialSource docker = DockerConfigCredentials.load(DockerConfigCredentials.defaultPath(), null);
        RegistryClient registry = new RegistryClient(RegistryConfig.defaults().withCredentials(docker), metrics);
        String version = BallastServer.class.getPackage().getImplementationVersion();
        return EmbeddedAgents.start(EmbeddedAgents.Config.defaults(config.account(), DEFAULT_CLUSTER,
                        config.simulatedInstances(), version == null ? "dev" : version),
                store, arn -> new SimulatedRuntime(arn, registry), metrics, config.clock());
    }

    /** The embedded agents, if the server runs any (the scheduler calls {@link EmbeddedAgents#wake()}). */
    public java.util.Optional<EmbeddedAgents> agents() {
        return java.util.Optional.ofNullable(agents);
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
            if (agents != null) {
                agents.close();
            }
            api.close();
        } finally {
            store.close();
            LOG.info("stopped");
        }
    }
}
