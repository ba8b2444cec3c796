package dev.ballast.cli;

import dev.ballast.agent.docker.DockerRuntime;
import dev.ballast.api.ApiServer;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.core.Account;
import dev.ballast.core.PrivateFiles;
import dev.ballast.deploy.Reconcilers;
import dev.ballast.registry.BudgetSettings;
import dev.ballast.registry.DockerConfigCredentials;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.schedule.SubnetNetworks;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ballast server}: runs the API server with its store until interrupted. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        description = "Run the Ballast server: the ECS API on HTTP, backed by SQLite (default) or PostgreSQL.")
final class ServerCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(ServerCommand.class);

    @Option(
            names = "--bind",
            defaultValue = "${env:BALLAST_BIND:-127.0.0.1}",
            description =
                    "Address to listen on (default: env BALLAST_BIND, else 127.0.0.1; the container image sets 0.0.0.0).")
    String bind;

    @Option(names = "--port", defaultValue = "8460", description = "Port to listen on (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--data-dir",
            defaultValue = "${env:BALLAST_DATA_DIR}",
            description =
                    "Data directory for the SQLite store and credentials (default: env BALLAST_DATA_DIR, else ~/.ballast).")
    Path dataDir;

    @Option(
            names = "--store",
            description =
                    "PostgreSQL JDBC URL (jdbc:postgresql://host:port/db?user=…&password=…); default: SQLite in the data dir.")
    String storeUrl;

    @Option(
            names = "--credentials-file",
            defaultValue = "${env:BALLAST_CREDENTIALS_FILE}",
            description =
                    "AWS shared-credentials file whose access keys the API accepts (default: env BALLAST_CREDENTIALS_FILE, "
                            + "else <data-dir>/credentials when present).")
    Path credentialsFile;

    @Option(
            names = "--account-id",
            defaultValue = "000000000000",
            description = "Account id used in ARNs (default: ${DEFAULT-VALUE}).")
    String accountId;

    @Option(
            names = "--region",
            defaultValue = "us-east-1",
            description = "Region used in ARNs (default: ${DEFAULT-VALUE}).")
    String region;

    @Option(
            names = "--simulated-instances",
            defaultValue = "1",
            description =
                    "Simulated container instances the embedded agent registers in its cluster (default: ${DEFAULT-VALUE}; 0 for "
                            + "no embedded agent). With a container engine it registers one instance.")
    int simulatedInstances;

    @Option(
            names = "--cluster",
            defaultValue = "default",
            description =
                    "Cluster the embedded agent's container instances join; created when missing (default: ${DEFAULT-VALUE}).")
    String cluster;

    @Option(
            names = "--instance-cpu",
            defaultValue = "0",
            description =
                    "CPU units the embedded instance registers (default: the engine host's CPUs x 1024; 2048 per simulated instance).")
    int instanceCpu;

    @Option(
            names = "--instance-memory",
            defaultValue = "0",
            description =
                    "Memory the embedded instance registers, MiB (default: the engine host's memory less --reserved-memory; 4096 per "
                            + "simulated instance).")
    int instanceMemory;

    @Option(
            names = "--reserved-memory",
            defaultValue = "" + ServerConfig.EmbeddedInstance.DEFAULT_RESERVED_MEMORY,
            description =
                    "Memory of the engine host kept back from tasks, MiB, as the ECS agent's ECS_RESERVED_MEMORY (default: ${DEFAULT-VALUE}).")
    int reservedMemory;

    @Option(
            names = "--runtime",
            defaultValue = "auto",
            converter = RuntimeChoice.Converter.class,
            description =
                    "Runtime of the embedded agent: auto (the Docker Engine API of Docker or Podman when an engine socket answers, "
                            + "else simulated), docker, or simulated (default: ${DEFAULT-VALUE}).")
    RuntimeChoice runtime;

    @Option(
            names = "--docker-host",
            description =
                    "Docker Engine API endpoint for the embedded agent (unix:///… or tcp://…); default: detected.")
    String dockerHost;

    @Option(
            names = "--registry-credentials",
            paramLabel = "FILE",
            description =
                    "JSON file mapping secret names or ARNs to {\"username\",\"password\",\"registry\"}: what task definitions' "
                            + "repositoryCredentials.credentialsParameter name (see docs/registry.md); and the secret store for "
                            + "containers' secrets: names or ARNs to a string or a JSON object (see docs/secrets.md). Keep it mode 600.")
    Path registryCredentials;

    @Option(
            names = "--exit-after-start",
            hidden = true,
            description = "Start, answer one request, then stop (used by the launcher to record a JDK AOT cache).")
    boolean exitAfterStart;

    @Option(
            names = "--read-timeout",
            defaultValue = "20s",
            converter = DurationConverter.class,
            description =
                    "A client must send a request's headers, and then its body, within this time, or its connection "
                            + "is closed (default: ${DEFAULT-VALUE}).")
    Duration readTimeout;

    @Option(
            names = "--console",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Serve the web console at /console on the API's port, signed in with the same access keys "
                    + "(--no-console: the API only; default: served).")
    boolean console;

    @Option(
            names = "--console-session",
            defaultValue = "8h",
            converter = DurationConverter.class,
            description =
                    "How long a console sign-in lasts before the user signs in again (default: ${DEFAULT-VALUE}).")
    Duration consoleSession;

    @Option(
            names = "--idle-timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description = "A connection waiting this long for its next request is closed (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(
            names = "--max-body-bytes-in-flight",
            defaultValue = "33554432",
            description = "Request bodies held at once, across connections, before authentication; beyond it requests "
                    + "are answered 503 with Retry-After (default: ${DEFAULT-VALUE}, 32 MiB).")
    long maxBodyBytesInFlight;

    @Option(
            names = "--agent-disconnect-after",
            defaultValue = "30s",
            converter = DurationConverter.class,
            description =
                    "An agent that has not polled or sent a heartbeat for this long is marked disconnected (default: ${DEFAULT-VALUE}).")
    Duration agentDisconnectAfter;

    @Option(
            names = "--agent-task-timeout",
            defaultValue = "60s",
            converter = DurationConverter.class,
            description =
                    "Tasks of an instance whose agent has been silent this long are stopped and service tasks placed elsewhere (default: ${DEFAULT-VALUE}).")
    Duration agentTaskTimeout;

    @Option(
            names = "--port-host-ip",
            defaultValue = "127.0.0.1",
            description =
                    "Address containers' port mappings bind on for the embedded agent's engine; 0.0.0.0 publishes "
                            + "them on every interface (default: ${DEFAULT-VALUE}).")
    String portHostIp;

    @Option(
            names = "--serverless",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description = "Whether the embedded agent's instances offer serverless capacity: FARGATE tasks run only on "
                    + "instances that do (--no-serverless: EC2 tasks only; default: they do).")
    boolean serverless;

    @Option(
            names = "--instance-attribute",
            paramLabel = "NAME=VALUE",
            description =
                    "An attribute the embedded agent's instances register, repeatable (e.g. "
                            + "ecs.instance-type=m5.large): placement constraints, spread strategies and capacity providers read them.")
    Map<String, String> instanceAttributes = new LinkedHashMap<>();

    @Option(
            names = "--subnet-network",
            paramLabel = "SUBNET=NETWORK",
            description =
                    "Maps an awsvpc subnet to an engine network (repeatable; '*=NETWORK' for every other subnet). "
                            + "With none, every subnet of a cluster maps to the network ballast-<cluster>; with some, "
                            + "an unmapped subnet is refused (docs/networking.md).")
    List<String> subnetNetworks = new ArrayList<>();

    @Option(
            names = "--node-name",
            defaultValue = "",
            description =
                    "This server's name among replicas sharing a PostgreSQL store: its embedded container instances "
                            + "derive their ids from it, so give each replica its own (default: none, for a lone server).")
    String nodeName;

    @Option(
            names = "--controller-lease",
            defaultValue = "6s",
            converter = DurationConverter.class,
            description = "Replicas on one PostgreSQL store divide the controllers' shards (services, agent health, "
                    + "image sweeps); a dead replica's shards are taken over within this time plus a third of it "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration controllerLease;

    @picocli.CommandLine.Mixin
    RegistryOptions registryOptions = new RegistryOptions();

    @Option(
            names = "--stopped-task-retention",
            defaultValue = "1h",
            converter = DurationConverter.class,
            description =
                    "Stopped tasks stay visible (DescribeTasks, ListTasks) this long, then they are purged, as ECS "
                            + "does after about an hour (default: ${DEFAULT-VALUE}).")
    Duration stoppedTaskRetention;

    @Option(
            names = "--guard-interval",
            defaultValue = "10m",
            converter = DurationConverter.class,
            description = "How often the pinned-image guard checks every digest that active deployments and rollback "
                    + "targets hold (HEAD by digest); 0 turns the guard off, also its check before launches "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration guardInterval;

    @Option(
            names = "--reconcile-workers",
            description = "How many services the controllers reconcile at once (default: the processors, 2 to 4).")
    Integer reconcileWorkers;

    @Option(
            names = "--tag-watch-interval",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How often the tag watcher checks every tag that deployments reference, one HEAD per tag "
                    + "within the registry's request budget (default: ${DEFAULT-VALUE}).")
    Duration tagWatchInterval;

    @Option(
            names = "--registry-budget",
            paramLabel = "HOST=N/PERIOD[,burst=B]",
            description = "Requests the tag watcher may send to a registry (repeatable; *=… for every registry not "
                    + "named; PERIOD [count]s|m|h). Default: docker.io=" + BudgetSettings.DOCKER_HUB_DEFAULT
                    + ", *=" + BudgetSettings.OTHERS_DEFAULT + ".")
    List<String> registryBudgets = new ArrayList<>();

    @Option(
            names = "--notification-token-file",
            paramLabel = "FILE",
            description = "File holding the token registries' push notifications must carry on POST "
                    + "/registry-notifications (Authorization: Bearer <token>, or the token itself); env "
                    + "BALLAST_NOTIFICATION_TOKEN when no file is given. Without either the endpoint answers 404.")
    Path notificationTokenFile;

    @Option(
            names = "--rollout-wave-size",
            defaultValue = "5",
            description = "At most this many services have a deployment started by a moved tag (refresh, "
                    + "autoRedeploy) in progress at once; the next starts when one ends (default: ${DEFAULT-VALUE}).")
    int rolloutWaveSize;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        Logging.init();
        Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".ballast");
        InetAddress address = InetAddress.getByName(bind);
        CredentialStore credentials = credentials(dir, address);
        Account account = new Account(accountId, region);
        BallastServer server;
        try {
            ServerConfig config = ServerConfig.builder()
                    .bind(address)
                    .port(port)
                    .credentials(credentials)
                    .console(console ? consoleSession : null)
                    .limits(new ApiServer.Limits(readTimeout, idleTimeout, maxBodyBytesInFlight))
                    .dataDir(dir)
                    .storeUrl(storeUrl)
                    .account(account)
                    .clock(Clock.systemUTC())
                    .simulatedInstances(simulatedInstances)
                    .agentHealth(new InstanceHealth.Settings(agentDisconnectAfter, agentTaskTimeout))
                    .runtime(exitAfterStart ? RuntimeChoice.SIMULATED : runtime)
                    .dockerHost(dockerHost)
                    .replica(new ServerConfig.Replica(nodeName, controllerLease))
                    .portHostIp(DockerRuntime.checkHostIp(portHostIp))
                    .serverless(serverless)
                    .instanceAttributes(OfferedAttributes.checked("--instance-attribute", instanceAttributes))
                    .subnetNetworks(SubnetNetworks.parse(subnetNetworks))
                    .instance(new ServerConfig.EmbeddedInstance(cluster, instanceCpu, instanceMemory, reservedMemory))
                    .stoppedTaskRetention(stoppedTaskRetention)
                    .reconcileWorkers(reconcileWorkers != null ? reconcileWorkers : Reconcilers.DEFAULT_WORKERS)
                    .lifecycle(l -> l.withGuard(guardInterval, l.guardCacheTtl()))
                    // Registry credentials: the user's Docker config (auths, credHelpers, credsStore), as docker pull
                    // would use.
                    .registry(r -> registryOptions.apply(
                            r.withCredentials(
                                    DockerConfigCredentials.load(DockerConfigCredentials.defaultPath(), null)),
                            LOG))
                    .repositoryCredentials(RegistryCredentialsFile.load(registryCredentials, LOG))
                    .tagWatch(new ServerConfig.TagWatch(tagWatchInterval, BudgetSettings.parse(registryBudgets)))
                    .lifecycle(l -> l.withNotificationToken(
                            NotificationToken.load(notificationTokenFile, System.getenv(NotificationToken.ENV), LOG)))
                    .lifecycle(l -> l.withWaveSize(rolloutWaveSize))
                    .build();
            server = BallastServer.start(config);
        } catch (RuntimeException e) {
            LOG.error("could not start: {}", e.getMessage());
            LOG.debug("start-up failure", e);
            return 1;
        }
        if (exitAfterStart) {
            Warmup.touch(server.port());
            server.close();
            return 0;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "ballast-shutdown"));
        LOG.info(
                "listening on http://{}:{} store={} account={} region={} started_in_ms={}",
                address.getHostAddress(),
                server.port(),
                storeUrl == null ? "sqlite:" + dir.resolve("ballast.db") : "postgresql",
                accountId,
                region,
                (System.nanoTime() - started) / 1_000_000);
        if (console) {
            LOG.info(
                    "web console at http://{}:{}/console/ (sign in with an access key pair of the credentials file)",
                    address.getHostAddress(),
                    server.port());
        }
        stopped.await();
        return 0;
    }

    private CredentialStore credentials(Path dir, InetAddress address) throws IOException {
        Path file = credentialsFile != null ? credentialsFile : dir.resolve("credentials");
        if (credentialsFile != null || Files.exists(file)) {
            CredentialStore store = CredentialStore.load(file);
            LOG.info("accepting {} access key(s) from {}", store.size(), file);
            PrivateFiles.exposed(file, "the credentials file").ifPresent(LOG::warn);
            return store;
        }
        if (!address.isLoopbackAddress()) {
            throw new picocli.CommandLine.ParameterException(
                    new picocli.CommandLine(this),
                    "refusing to listen on " + address.getHostAddress() + " without credentials: create " + file
                            + " (AWS shared-credentials format) or pass --credentials-file");
        }
        LOG.warn("no credentials configured: accepting the development key pair test/test (loopback only)");
        return CredentialStore.developmentPair();
    }
}
