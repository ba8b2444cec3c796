package dev.ballast.cli;

import dev.ballast.agent.EmbeddedAgents;
import dev.ballast.agent.docker.DockerRuntime;
import dev.ballast.agent.docker.EngineDetection;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.api.ApiServer;
import dev.ballast.api.AwsException;
import dev.ballast.api.EcsApi;
import dev.ballast.api.SigV4Authenticator;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.api.auth.SigV4Verifier;
import dev.ballast.core.Account;
import dev.ballast.core.Ids;
import dev.ballast.deploy.BackgroundResolution;
import dev.ballast.deploy.Deployer;
import dev.ballast.deploy.DeployMetrics;
import dev.ballast.deploy.Reconcilers;
import dev.ballast.deploy.StoppedTaskPurge;
import dev.ballast.deploy.ResolutionStep;
import dev.ballast.deploy.ServiceController;
import dev.ballast.deploy.ControllerLease;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.registry.RepositoryCredentials;
import dev.ballast.resolve.ResolutionFailedException;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.resolve.RevisionResolver;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.schedule.Launcher;
import dev.ballast.store.Store;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of a running server: store, registry client, resolver, reconcilers, embedded
 * agents, API and HTTP listener, wired by constructor. Used by {@code ballast server} and by tests that
 * run the server in-process.
 */
public final class BallastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BallastServer.class);

    /**
     * Everything a server needs to start. {@code storeUrl} null means SQLite in {@code dataDir};
     * {@code simulatedInstances} embedded simulated container instances join the {@code default} cluster.
     */
    /** How long stopped tasks are kept by default: about as long as ECS shows them. */
    public static final Duration DEFAULT_STOPPED_TASK_RETENTION = Duration.ofHours(1);

    public record Config(InetAddress bind, int port, Path dataDir, String storeUrl, Account account,
                         CredentialStore credentials, Clock clock, int simulatedInstances, RegistryConfig registry,
                         ResolveSettings resolve, Duration reconcilePeriod, InstanceHealth.Settings agentHealth,
                         String embeddedRuntime, String dockerHost, RepositoryCredentials repositoryCredentials,
                         Replica replica, String portHostIp, EmbeddedInstance embedded,
                         Duration stoppedTaskRetention, int reconcileWorkers) {

        public static Config of(InetAddress bind, int port, Path dataDir, String storeUrl, Account account,
                                CredentialStore credentials, Clock clock) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, 1,
                    RegistryConfig.defaults().withRetries(2, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30)),
                    ResolveSettings.defaults(), Duration.ofMillis(250), InstanceHealth.Settings.defaults(), "simulated", null,
                    RepositoryCredentials.none(), Replica.defaults(),
                    DockerRuntime.DEFAULT_HOST_IP, EmbeddedInstance.defaults(), DEFAULT_STOPPED_TASK_RETENTION, Reconcilers.DEFAULT_WORKERS);
        }

        public Config withSimulatedInstances(int n) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, n, registry, resolve, reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        public Config withResolve(ResolveSettings r) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, r, reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** When agents count as disconnected, and when their tasks are stopped (server options --agent-*). */
        public Config withAgentHealth(InstanceHealth.Settings h) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, h, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** The embedded agent's runtime: {@code auto} (Docker/Podman when an engine answers), {@code docker} or {@code simulated}. */
        public Config withEmbeddedRuntime(String runtime) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, runtime, dockerHost, repositoryCredentials, replica, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** The Docker Engine API endpoint ({@code unix:///…} or {@code tcp://…}) the embedded agent uses instead of detection. */
        public Config withDockerHost(String host) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, host, repositoryCredentials, replica, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** Where containers' {@code repositoryCredentials.credentialsParameter} are looked up (--registry-credentials). */
        public Config withRepositoryCredentials(RepositoryCredentials r) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, r, replica, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** This replica's node name and controller lease (several servers on one PostgreSQL store). */
        public Config withReplica(Replica r) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, r, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** The address containers' port mappings bind on, for the embedded agent's engine (default 127.0.0.1). */
        public Config withPortHostIp(String ip) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, ip, embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** How long stopped tasks stay visible before they are purged (--stopped-task-retention; ECS: about an hour). */
        public Config withStoppedTaskRetention(Duration retention) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp, embedded,
                    retention, reconcileWorkers);
        }

        /** The clock of every controller, agent and the store (tests move it by hand). */
        public Config withClock(Clock c) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, c, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp,
                    embedded, stoppedTaskRetention, reconcileWorkers);
        }

        /** The cluster the embedded instances join and the resources they register (--cluster, --instance-*). */
        public Config withEmbeddedInstance(EmbeddedInstance e) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp, e, stoppedTaskRetention, reconcileWorkers);
        }

        /** How many services the controllers reconcile at once (--reconcile-workers). */
        public Config withReconcileWorkers(int workers) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, registry, resolve,
                    reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp,
                    embedded, stoppedTaskRetention, workers);
        }

        public Config withRegistry(RegistryConfig r) {
            return new Config(bind, port, dataDir, storeUrl, account, credentials, clock, simulatedInstances, r, resolve, reconcilePeriod, agentHealth, embeddedRuntime, dockerHost, repositoryCredentials, replica, portHostIp, embedded, stoppedTaskRetention, reconcileWorkers);
        }
    }

    /**
     * The embedded agent's container instances.
     *
     * @param cluster the cluster they join (created when missing)
     * @param cpu CPU units each registers; 0: the engine host's CPUs × 1,024 (simulated instances: 2,048)
     * @param memory MiB each registers; 0: the engine host's memory less {@code reservedMemory} (simulated: 4,096)
     * @param reservedMemory MiB of the host's memory not offered to tasks (for the server, the engine and the
     *     host's other processes), as the ECS agent's {@code ECS_RESERVED_MEMORY}
     */
    public record EmbeddedInstance(String cluster, int cpu, int memory, int reservedMemory) {
        /** Memory kept back from tasks by default, MiB. */
        public static final int DEFAULT_RESERVED_MEMORY = 512;

        public EmbeddedInstance {
            java.util.Objects.requireNonNull(cluster, "cluster");
            if (!cluster.matches("[A-Za-z0-9_-]{1,255}")) {
                throw new IllegalArgumentException("cluster name must be 1-255 letters, digits, hyphens or underscores, got '"
                        + cluster + "'");
            }
            if (cpu < 0 || memory < 0 || reservedMemory < 0) {
                throw new IllegalArgumentException("instance CPU, memory and reserved memory must not be negative, got "
                        + cpu + ", " + memory + " and " + reservedMemory);
            }
        }

        public static EmbeddedInstance defaults() {
            return new EmbeddedInstance("default", 0, 0, DEFAULT_RESERVED_MEMORY);
        }
    }

    /**
     * One server among several sharing a store.
     *
     * @param nodeName names this server's embedded container instances (their ARNs derive from it), so that
     *     replicas on one store each run their own; empty for a lone server
     * @param controllerLease how long the controller lease lasts: a dead leader is replaced within it
     */
    public record Replica(String nodeName, Duration controllerLease) {
        public Replica {
            java.util.Objects.requireNonNull(nodeName, "nodeName");
            if (!nodeName.matches("[A-Za-z0-9_.-]{0,64}")) {
                throw new IllegalArgumentException("node name must be at most 64 letters, digits, '.', '_' or '-', got '"
                        + nodeName + "'");
            }
        }

        public static Replica defaults() {
            return new Replica("", Duration.ofSeconds(10));
        }
    }

    private final Store store;
    private final List<AutoCloseable> closeables;
    private final ApiServer api;
    private final Reconcilers reconcilers;
    private final EmbeddedAgents agents;

    private BallastServer(Store store, List<AutoCloseable> closeables, ApiServer api, Reconcilers reconcilers, EmbeddedAgents agents) {
        this.store = store;
        this.closeables = closeables;
        this.api = api;
        this.reconcilers = reconcilers;
        this.agents = agents;
    }

    public static BallastServer start(Config config) {
        return start(config, ApiServer.Limits.defaults());
    }

    /** Starts with the given limits on what a client may hold before it is authenticated. */
    public static BallastServer start(Config config, ApiServer.Limits limits) {
        Logging.init();
        if (config.credentials().isEmpty()) {
            throw new IllegalArgumentException("no API credentials configured");
        }
        // Load the API model while the store opens and migrates.
        java.util.concurrent.CompletableFuture<ApiServer.Model> model =
                java.util.concurrent.CompletableFuture.supplyAsync(ApiServer.Model::load, Thread::startVirtualThread);
        Store store = config.storeUrl() == null
                ? Store.openSqlite(config.dataDir(), config.clock())
                : Store.openPostgres(config.storeUrl(), config.clock());
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new UptimeMetrics().bindTo(metrics);
            Clock clock = config.clock();
            Account account = config.account();
            Ids ids = new Ids();
            RegistryClient registry = new RegistryClient(config.registry(), metrics);
            RevisionResolver resolver = new RevisionResolver(store, registry, clock, config.resolve(),
                    dev.ballast.resolve.ManagedCatalog.builtIn(), config.repositoryCredentials());
            Deployer deployer = new Deployer(store, account, ids, clock);
            Launcher launcher = new Launcher(store, account, ids, clock);

            AtomicReference<Runnable> wakeAgents = new AtomicReference<>(() -> { });
            // Registry I/O runs off the reconciler thread: a registry that hangs holds up only its own revisions.
            AtomicReference<Runnable> wakeControllers = new AtomicReference<>(() -> { });
            BackgroundResolution step = new BackgroundResolution((revision, td, clusterArn, cb) -> {
                RevisionResolver.Step s = resolver.step(revision, td, clusterArn, cb);
                return new ResolutionStep.Outcome(s.record(), s.events());
            }, clock, () -> wakeControllers.get().run());
            // Replicas exist only on PostgreSQL (an SQLite file belongs to one server): only they elect a leader.
            ControllerLease lease = store.dialect() == Store.Dialect.POSTGRESQL
                    ? new ControllerLease(store.leases(), leaseHolder(config.replica()), clock, config.replica().controllerLease())
                    : null;
            ServiceController controller = new ServiceController(store, step, launcher, deployer, clock, () -> wakeAgents.get().run(),
                    () -> lease == null || lease.held());
            Gauge.builder("ballast.controller.leader", () -> lease == null || lease.leader() ? 1 : 0)
                    .description("1 while this replica drives services and deployments (holds the controller lease)")
                    .register(metrics);
            Reconcilers reconcilers = new Reconcilers(store, controller, config.reconcilePeriod(), clock,
                    new InstanceHealth(store, clock, config.agentHealth(), metrics), lease, config.reconcileWorkers())
                    .withPurge(new StoppedTaskPurge(store, clock, config.stoppedTaskRetention()));
            Gauge.builder("ballast.controller.queue", reconcilers::queueDepth).baseUnit("keys")
                    .description("Services and jobs queued or waiting (requeue-after, back-off) for a controller worker")
                    .register(metrics);
            DeployMetrics.bind(metrics, store, controller);
            closeables.add(reconcilers);
            closeables.add(step);
            wakeControllers.set(reconcilers::wake);

            EcsApi ecs = new EcsApi(store, account, clock, new EcsApi.Workers(deployer, launcher, (td, clusterArn) -> {
                try {
                    return resolver.resolveNow(td, clusterArn);
                } catch (ResolutionFailedException e) {
                    throw AwsException.client(e.getMessage());
                }
            }, reconcilers::wake, () -> wakeAgents.get().run(), config.registry().access()), config.agentHealth().disconnectAfter().dividedBy(3));
            java.util.concurrent.atomic.AtomicBoolean startedUp = new java.util.concurrent.atomic.AtomicBoolean();
            SigV4Authenticator auth = new SigV4Authenticator(new SigV4Verifier(config.credentials(), clock, "ecs"));

            ApiServer api = ApiServer.start(model.join(), config.bind(), config.port(), ecs.operations(), ecs.targetPrefixes(),
                    auth, metrics, () -> startedUp.get() && store.isReachable(), limits);
            closeables.add(0, api);
            if (api.port() < 1) {
                // the listener did not start (address in use, or not an address of this host): do not run without it
                throw new IllegalStateException("cannot listen on " + config.bind().getHostAddress() + ":" + config.port()
                        + ": the address is in use or not available on this host");
            }
            EmbeddedAgents agents = null;
            if (config.simulatedInstances() > 0) {
                String cluster = config.embedded().cluster();
                store.clusters().createOrGet(cluster, account.clusterArn(cluster), "{\"settings\":[]}", List.of());
                java.util.Optional<DockerRuntime> docker = engineRuntime(config, store, registry);
                agents = EmbeddedAgents.start(embeddedAgents(config, docker), store,
                        docker.<java.util.function.Function<String, dev.ballast.agent.ContainerRuntime>>map(d -> arn -> d)
                                .orElse(arn -> new SimulatedRuntime(arn, registry, registry::withCredential)),
                        metrics, clock, config.repositoryCredentials());
                closeables.add(0, agents);
                EmbeddedAgents started = agents;
                wakeAgents.set(started::wake);
            }
            reconcilers.start();
            startedUp.set(true); // /readyz: the embedded cluster and instances exist from here on
            return new BallastServer(store, closeables, api, reconcilers, agents);
        } catch (RuntimeException e) {
            for (AutoCloseable c : closeables) {
                closeQuietly(c);
            }
            store.close();
            throw e;
        }
    }

    /**
     * The embedded agent's engine runtime: the Docker Engine API when {@code embeddedRuntime} is {@code docker},
     * or {@code auto} and an engine socket answers; empty for the simulated runtime.
     */
    private static java.util.Optional<DockerRuntime> engineRuntime(Config config, Store store, RegistryClient registry) {
        return engine(config).map(engine -> {
            DockerRuntime docker = DockerRuntime.connect(engine.dockerHost(), registry, config.registry().credentials()::lookup,
                    DockerRuntime.taskDefinitionsOf(store), config.portHostIp());
            LOG.info("embedded agent runtime=docker engine={} (found via {})", engine.dockerHost(), engine.source());
            return docker;
        });
    }

    /** This process's identity in the controller lease: node name (or host name), then a per-process suffix. */
    private static String leaseHolder(Replica replica) {
        String node = replica.nodeName();
        if (node.isEmpty()) {
            String host = System.getenv("HOSTNAME"); // no name lookup: it may hang where DNS is broken
            node = host == null || host.isBlank() ? "server" : host;
        }
        return node + "/" + new Ids().hex32().substring(0, 8);
    }

    /**
     * One real engine is one container instance, registering the engine host's CPUs and memory (less the reserve)
     * unless told otherwise; simulated instances are as many as asked for, 2,048 CPU units and 4,096 MiB each
     * unless told otherwise.
     */
    private static EmbeddedAgents.Config embeddedAgents(Config config, java.util.Optional<DockerRuntime> docker) {
        EmbeddedInstance e = config.embedded();
        EmbeddedAgents.Config defaults = EmbeddedAgents.Config.defaults(config.account(), e.cluster(),
                docker.isPresent() ? 1 : config.simulatedInstances(), Version.current()).withNode(config.replica().nodeName());
        int cpu = e.cpu() > 0 ? e.cpu() : defaults.cpu();
        int memory = e.memory() > 0 ? e.memory() : defaults.memory();
        if (docker.isPresent() && (e.cpu() == 0 || e.memory() == 0)) {
            dev.ballast.agent.HostCapacity host = docker.get().hostCapacity();
            cpu = e.cpu() > 0 ? e.cpu() : host.cpuUnits();
            memory = e.memory() > 0 ? e.memory() : host.memoryMiB(e.reservedMemory());
        }
        return defaults.withResources(cpu, memory);
    }

    private static java.util.Optional<EngineDetection.Engine> engine(Config config) {
        if (!config.embeddedRuntime().equals("simulated") && config.dockerHost() != null) {
            return java.util.Optional.of(new EngineDetection.Engine(config.dockerHost(), "--docker-host"));
        }
        return switch (config.embeddedRuntime()) {
            case "simulated" -> java.util.Optional.empty();
            case "docker" -> java.util.Optional.of(EngineDetection.find().orElseThrow(() -> new IllegalStateException(
                    "--runtime docker: no Docker or Podman engine answers (looked at DOCKER_HOST, /var/run/docker.sock, "
                            + "$XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock)")));
            default -> EngineDetection.find();
        };
    }

    public int port() {
        return api.port();
    }

    public Store store() {
        return store;
    }

    /** The reconcilers (tests may drive a pass directly). */
    public Reconcilers reconcilers() {
        return reconcilers;
    }

    /** The embedded agents, or null when none run. */
    public EmbeddedAgents agents() {
        return agents;
    }

    @Override
    public void close() {
        try {
            for (AutoCloseable c : closeables) {
                closeQuietly(c);
            }
        } finally {
            store.close();
            LOG.info("stopped");
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("error while stopping {}", c.getClass().getSimpleName(), e);
        }
    }
}
