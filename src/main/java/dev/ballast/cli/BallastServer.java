package dev.ballast.cli;

import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.EmbeddedAgents;
import dev.ballast.agent.HostCapacity;
import dev.ballast.agent.docker.DockerRuntime;
import dev.ballast.agent.simulated.SimulatedRuntime;
import dev.ballast.api.ApiServer;
import dev.ballast.api.AwsException;
import dev.ballast.api.EcsApi;
import dev.ballast.api.SigV4Authenticator;
import dev.ballast.api.StoreControlPlane;
import dev.ballast.api.auth.SigV4Verifier;
import dev.ballast.console.Console;
import dev.ballast.console.ConsoleContext;
import dev.ballast.console.Sessions;
import dev.ballast.core.Account;
import dev.ballast.core.Ids;
import dev.ballast.deploy.BackgroundResolution;
import dev.ballast.deploy.DeployMetrics;
import dev.ballast.deploy.Deployer;
import dev.ballast.deploy.LaunchGuard;
import dev.ballast.deploy.Reconcilers;
import dev.ballast.deploy.ResolutionStep;
import dev.ballast.deploy.ServiceController;
import dev.ballast.deploy.ShardOwnership;
import dev.ballast.deploy.StoppedTaskPurge;
import dev.ballast.lifecycle.DriftBaseline;
import dev.ballast.lifecycle.DriftJob;
import dev.ballast.lifecycle.IndexChildrenFetcher;
import dev.ballast.lifecycle.MovedTagWaves;
import dev.ballast.lifecycle.NotificationMetrics;
import dev.ballast.lifecycle.PinnedImageGuard;
import dev.ballast.lifecycle.RegistryNotifications;
import dev.ballast.lifecycle.TagWatcher;
import dev.ballast.registry.RegistryClient;
import dev.ballast.resolve.ManagedCatalog;
import dev.ballast.resolve.ResolutionFailedException;
import dev.ballast.resolve.RevisionResolver;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.schedule.Launcher;
import dev.ballast.store.Change;
import dev.ballast.store.Sharding;
import dev.ballast.store.Shards;
import dev.ballast.store.Store;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of a running server: store, registry client, resolver, reconcilers, embedded
 * agents, API and HTTP listener, wired by constructor. Used by {@code ballast server} and by tests that
 * run the server in-process.
 */
public final class BallastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BallastServer.class);

    private final Store store;
    private final List<AutoCloseable> closeables;
    private final ApiServer api;
    private final Reconcilers reconcilers;
    private final EmbeddedAgents agents;
    private final TagWatcher tagWatcher;

    /** The periodic job of the tag watcher. */
    static final String TAG_WATCH = "job:tag-watch";

    private BallastServer(
            Store store,
            List<AutoCloseable> closeables,
            ApiServer api,
            Reconcilers reconcilers,
            EmbeddedAgents agents,
            TagWatcher tagWatcher) {
        this.tagWatcher = tagWatcher;
        this.store = store;
        this.closeables = closeables;
        this.api = api;
        this.reconcilers = reconcilers;
        this.agents = agents;
    }

    /** Starts a server: opens and migrates the store, starts the reconcilers, the embedded agents and the listener. */
    public static BallastServer start(ServerConfig config) {
        Logging.init();
        if (config.listener().credentials().isEmpty()) {
            throw new IllegalArgumentException("no API credentials configured");
        }
        // Load the API model while the store opens and migrates.
        CompletableFuture<ApiServer.Model> model =
                CompletableFuture.supplyAsync(ApiServer.Model::load, Thread::startVirtualThread);
        ServerConfig.Storage storage = config.storage();
        String holder = leaseHolder(config.controllers().replica()); // this process among the replicas
        Store store = storage.storeUrl() == null
                ? Store.openSqlite(storage.dataDir(), config.clock())
                : Store.openPostgres(storage.storeUrl(), config.clock(), holder);
        List<AutoCloseable> closeables = new ArrayList<>();
        try {
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(metrics);
            new UptimeMetrics().bindTo(metrics);
            Clock clock = config.clock();
            Account account = config.account();
            Ids ids = new Ids();
            RegistryClient registry = new RegistryClient(
                    config.registries().client(), metrics, config.tagWatch().budgets(), clock);
            RevisionResolver resolver = new RevisionResolver(
                    store,
                    registry,
                    clock,
                    config.registries().resolve(),
                    ManagedCatalog.builtIn(),
                    config.registries().repositoryCredentials());
            Deployer deployer = new Deployer(store, account, ids, clock);
            Launcher launcher =
                    new Launcher(store, account, ids, clock, config.agents().networks());

            AtomicReference<Runnable> wakeAgents = new AtomicReference<>(() -> {});
            // Registry I/O runs off the reconciler thread: a registry that hangs holds up only its own revisions.
            AtomicReference<Runnable> wakeControllers = new AtomicReference<>(() -> {});
            BackgroundResolution step = new BackgroundResolution(
                    (revision, td, clusterArn, cb) -> {
                        RevisionResolver.Step s = resolver.step(revision, td, clusterArn, cb);
                        return new ResolutionStep.Outcome(s.record(), s.events());
                    },
                    clock,
                    () -> wakeControllers.get().run());
            // Replicas exist only on PostgreSQL (an SQLite file belongs to one server): only they divide the shards.
            ShardOwnership shards = store.dialect() == Store.Dialect.POSTGRESQL
                    ? new ShardOwnership(
                            store,
                            holder,
                            config.controllers().replica().nodeName(),
                            clock,
                            config.controllers().replica().controllerLease())
                    : null;
            Sharding sharding = shards == null ? Sharding.ALL : shards;
            // the pinned-image guard (docs/architecture.md): a launch waits for a fresh answer that its digests exist
            ServerConfig.Lifecycle lifecycle = config.lifecycle();
            boolean guarding = !lifecycle.guardInterval().isZero();
            PinnedImageGuard guard = new PinnedImageGuard(
                    store,
                    registry,
                    deployer,
                    clock,
                    lifecycle.guardCacheTtl(),
                    host -> registry.budget().tryAcquire(host), // the sweep spends the registry's request budget
                    () -> wakeControllers.get().run(),
                    metrics,
                    sharding); // each replica sweeps the digests of its shards' repositories
            closeables.add(guard);
            ServiceController controller = new ServiceController(
                    store,
                    step,
                    launcher,
                    deployer,
                    clock,
                    () -> wakeAgents.get().run(),
                    // right before launching: the shard this reconcile runs under is still this replica's
                    () -> store.currentFence()
                            .map(f -> sharding.owns(f.shard()))
                            .orElse(true),
                    guarding ? guard : LaunchGuard.OPEN);
            Gauge.builder("ballast.controller.leader", () -> sharding.ownsFirst() ? 1 : 0)
                    .description("1 while this replica runs the installation-wide controller jobs (holds shard 0)")
                    .register(metrics);
            Gauge.builder("ballast.controller.shards", () -> shards == null ? Shards.COUNT : shards.heldCount())
                    .baseUnit("shards")
                    .description("Controller shards this replica holds (of " + Shards.COUNT + ")")
                    .register(metrics);
            Reconcilers reconcilers = new Reconcilers(
                            store,
                            controller,
                            config.controllers().reconcilePeriod(),
                            clock,
                            new InstanceHealth(store, clock, config.agents().health(), metrics, sharding),
                            sharding,
                            config.controllers().reconcileWorkers())
                    .withPurge(new StoppedTaskPurge(
                            store, clock, config.controllers().stoppedTaskRetention()));
            if (guarding) {
                reconcilers.withShardedJob(PinnedImageGuard.JOB, lifecycle.guardInterval(), guard::sweep);
            }
            // drift (issue 11): a periodic job reading the store; index children fetched off the workers, once each
            AtomicReference<Runnable> wakeDrift = new AtomicReference<>(() -> {});
            IndexChildrenFetcher indexChildren = new IndexChildrenFetcher(
                    store, registry, clock, () -> wakeDrift.get().run());
            reconcilers.withShardedJob(
                    DriftJob.KEY, DriftJob.EVERY, new DriftJob(store, indexChildren::request, sharding).bind(metrics));
            wakeDrift.set(() -> reconcilers.enqueue(DriftJob.KEY));
            controller.onResolved(new DriftBaseline(store, clock)::resolved);
            Gauge.builder("ballast.controller.services", reconcilers::ownedServices)
                    .baseUnit("services")
                    .description("Live services in this replica's shards, which it reconciles (at the last resync)")
                    .register(metrics);
            FunctionCounter.builder("ballast.controller.reconciles", reconcilers, Reconcilers::serviceReconciles)
                    .baseUnit("reconciles")
                    .description("Service reconciles run by this replica")
                    .register(metrics);
            Gauge.builder("ballast.controller.queue", reconcilers::queueDepth)
                    .baseUnit("keys")
                    .description(
                            "Services and jobs queued or waiting (requeue-after, back-off) for a controller worker")
                    .register(metrics);
            // a moved tag: every service reconciles (guard, moved-tag rollouts) and drift writes its events now
            Runnable tagMoved = () -> {
                reconcilers.wake();
                reconcilers.enqueue(DriftJob.KEY);
            };
            TagWatcher tagWatcher = new TagWatcher(store, registry, clock, metrics, tagMoved, sharding);
            Duration tagWatchInterval = config.tagWatch().interval();
            reconcilers.withShardedJob(TAG_WATCH, tagWatchInterval, () -> tagWatcher.trigger(tagWatchInterval));
            DeployMetrics.bind(metrics, store, controller);
            // installation-wide on the holder of shard 0: the wave size limits open rollouts across all services
            MovedTagWaves waves = new MovedTagWaves(
                    store, deployer, clock, config.lifecycle().waveSize(), metrics, reconcilers::enqueue);
            reconcilers.withJob(
                    MovedTagWaves.JOB, MovedTagWaves.period(config.controllers().reconcilePeriod()), () -> {
                        waves.passOnce();
                    });
            closeables.add(reconcilers);
            closeables.add(step);
            wakeControllers.set(reconcilers::wake);
            // writes on other replicas wake this one's controllers at once: a service (or one of its tasks) is queued
            // by
            // its key; an instance's or cluster's change, or "everything" after a lost notification connection, queues
            // a resync of every service. This server's own API writes wake them directly; the controllers' own writes
            // do not requeue their service (a level-triggered pass would otherwise wake itself after every write).
            store.changes().subscribe((change, fromThisServer) -> {
                if (change.kind() == Change.Kind.INSTANCE) {
                    reconcilers.instanceChanged(change.id()); // a joining or draining instance: DAEMON services
                }
                if (fromThisServer || change.kind() == Change.Kind.INSTANCE_TASKS) {
                    return; // a task's change also arrives as its service's
                }
                if (change.kind() == Change.Kind.SERVICE) {
                    reconcilers.enqueue(change.id());
                } else {
                    reconcilers.wake();
                }
            });
            // agents' heartbeats reach the store within a third of the disconnect timeout (docs/architecture.md)
            closeables.add(
                    store.heartbeats().flushEvery(config.agents().health().reportingPeriod()));
            FunctionCounter.builder("ballast.db.queries", store, Store::queries)
                    .baseUnit("queries")
                    .description("Database statements run by this server (a batch counts once)")
                    .register(metrics);

            EcsApi.Workers workers = new EcsApi.Workers(
                    deployer,
                    launcher,
                    (td, clusterArn) -> {
                        try {
                            return resolver.resolveNow(td, clusterArn);
                        } catch (ResolutionFailedException e) {
                            throw AwsException.client(e.getMessage());
                        }
                    },
                    reconcilers::wake,
                    reconcilers::enqueue,
                    () -> wakeAgents.get().run(),
                    config.registries().client().access(),
                    indexChildren::children);
            EcsApi ecs = new EcsApi(
                    store, account, clock, workers, config.agents().health().reportingPeriod());
            AtomicBoolean startedUp = new AtomicBoolean();
            SigV4Authenticator auth = new SigV4Authenticator(
                    new SigV4Verifier(config.listener().credentials(), clock, "ecs"),
                    config.listener().credentials());

            ServerConfig.Listener listener = config.listener();
            ApiServer api = ApiServer.start(
                    model.join(),
                    listener.bind(),
                    listener.port(),
                    ecs.operations(),
                    ecs.targetPrefixes(),
                    auth,
                    metrics,
                    () -> startedUp.get() && store.isReachable(),
                    listener.limits(),
                    // registries' push notifications: tag states and missing digests, then the controllers look
                    new RegistryNotifications(store, clock, tagMoved, new NotificationMetrics(metrics)),
                    config.lifecycle().notificationToken(),
                    listener.consoleSession() == null
                            ? null
                            : new Console(new ConsoleContext(
                                    store,
                                    account,
                                    clock,
                                    new Sessions(listener.credentials(), clock, listener.consoleSession()),
                                    ecs.operations(),
                                    workers)));
            closeables.add(0, api);
            if (api.port() < 1) {
                // the listener did not start (address in use, or not an address of this host): do not run without it
                throw new IllegalStateException(
                        "cannot listen on " + listener.bind().getHostAddress() + ":" + listener.port()
                                + ": the address is in use or not available on this host");
            }
            EmbeddedAgents agents = null;
            if (config.agents().simulatedInstances() > 0) {
                String cluster = config.agents().instance().cluster();
                store.clusters().createOrGet(cluster, account.clusterArn(cluster), "{\"settings\":[]}", List.of());
                Optional<DockerRuntime> docker = engineRuntime(config, store, registry);
                agents = EmbeddedAgents.start(
                        embeddedAgents(config, docker),
                        OfferedAttributes.adding(
                                new StoreControlPlane(store, account, clock),
                                OfferedAttributes.offered(
                                        config.agents().attributes(),
                                        config.agents().serverless())),
                        docker.<Function<String, ContainerRuntime>>map(d -> arn -> d)
                                .orElse(arn -> new SimulatedRuntime(arn, registry, registry::withCredential)),
                        metrics,
                        clock,
                        config.registries().repositoryCredentials());
                closeables.add(0, agents);
                EmbeddedAgents started = agents;
                wakeAgents.set(started::wake);
            }
            if (shards != null) {
                shards.onTaken(reconcilers::wake).start(); // this replica's share of the shards, kept from here on
            }
            reconcilers.start();
            startedUp.set(true); // /readyz: the embedded cluster and instances exist from here on
            return new BallastServer(store, closeables, api, reconcilers, agents, tagWatcher);
        } catch (RuntimeException e) {
            for (AutoCloseable c : closeables) {
                closeQuietly(c);
            }
            store.close();
            throw e;
        }
    }

    /**
     * The embedded agent's engine runtime: the Docker Engine API when the runtime is {@code docker}, or
     * {@code auto} and an engine answers (the engine is looked for once, here); empty for the simulated runtime.
     */
    private static Optional<DockerRuntime> engineRuntime(ServerConfig config, Store store, RegistryClient registry) {
        ServerConfig.Agents agents = config.agents();
        return agents.runtime().engine(agents.dockerHost()).map(engine -> {
            DockerRuntime docker = DockerRuntime.connect(
                    engine.dockerHost(),
                    registry,
                    config.registries().client().credentials()::lookup,
                    agents.portHostIp());
            LOG.info("embedded agent runtime=docker engine={} (found via {})", engine.dockerHost(), engine.source());
            return docker;
        });
    }

    /** This process's identity among the replicas: node name (or host name), then a per-process suffix. */
    private static String leaseHolder(ServerConfig.Replica replica) {
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
    private static EmbeddedAgents.Config embeddedAgents(ServerConfig config, Optional<DockerRuntime> docker) {
        ServerConfig.EmbeddedInstance e = config.agents().instance();
        EmbeddedAgents.Config defaults = EmbeddedAgents.Config.defaults(
                        config.account(),
                        e.cluster(),
                        docker.isPresent() ? 1 : config.agents().simulatedInstances(),
                        Version.current())
                .withNode(config.controllers().replica().nodeName());
        int cpu = e.cpu() > 0 ? e.cpu() : defaults.cpu();
        int memory = e.memory() > 0 ? e.memory() : defaults.memory();
        if (docker.isPresent() && (e.cpu() == 0 || e.memory() == 0)) {
            HostCapacity host = docker.get().hostCapacity();
            cpu = e.cpu() > 0 ? e.cpu() : host.cpuUnits();
            memory = e.memory() > 0 ? e.memory() : host.memoryMiB(e.reservedMemory());
        }
        return defaults.withResources(cpu, memory);
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

    /** The tag watcher (tests run a pass directly). */
    public TagWatcher tagWatcher() {
        return tagWatcher;
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
