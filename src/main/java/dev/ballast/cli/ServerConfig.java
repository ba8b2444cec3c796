package dev.ballast.cli;

import dev.ballast.agent.docker.DockerRuntime;
import dev.ballast.api.ApiServer;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.console.Sessions;
import dev.ballast.core.Account;
import dev.ballast.deploy.Reconcilers;
import dev.ballast.lifecycle.TagWatcher;
import dev.ballast.registry.BudgetSettings;
import dev.ballast.registry.RegistryConfig;
import dev.ballast.registry.RepositoryCredentials;
import dev.ballast.resolve.ResolveSettings;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.schedule.SubnetNetworks;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Everything a {@link BallastServer} needs to start, grouped by concern. Build one with {@link #builder()},
 * which holds every default; {@code ballast server} sets each from its options.
 *
 * @param listener where the API listens and whom it accepts
 * @param storage where the store lives
 * @param account the account and region in ARNs
 * @param clock the clock of every controller, agent and the store (tests move it by hand)
 * @param registries how registries are reached and image versions resolved
 * @param agents the embedded agent
 * @param controllers the reconcilers
 * @param lifecycle the image lifecycle after pinning: guard, tag watcher, notifications, moved-tag rollouts
 * @param tagWatch the tag watcher and the registries' request budgets
 */
public record ServerConfig(
        Listener listener,
        Storage storage,
        Account account,
        Clock clock,
        Registries registries,
        Agents agents,
        Controllers controllers,
        Lifecycle lifecycle,
        TagWatch tagWatch) {

    /** How long stopped tasks are kept by default: about as long as ECS shows them. */
    public static final Duration DEFAULT_STOPPED_TASK_RETENTION = Duration.ofHours(1);

    public ServerConfig {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(registries, "registries");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(controllers, "controllers");
        Objects.requireNonNull(tagWatch, "tagWatch");
    }

    /**
     * The tag watcher (lifecycle settings).
     *
     * @param interval how often every watched tag is checked with a HEAD (--tag-watch-interval)
     * @param budgets each registry's request budget for background requests (--registry-budget)
     */
    public record TagWatch(Duration interval, BudgetSettings budgets) {
        public TagWatch {
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(budgets, "budgets");
            if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("the tag watch interval must be at least 1s, got " + interval);
            }
        }
    }

    /**
     * The HTTP listener.
     *
     * @param port 0 for any free port
     * @param credentials the access keys the API accepts
     * @param limits what a client may hold before it is authenticated (read and idle timeouts, body budget)
     * @param consoleSession how long a web console sign-in lasts; null: no console (--no-console)
     */
    public record Listener(
            InetAddress bind, int port, CredentialStore credentials, ApiServer.Limits limits, Duration consoleSession) {
        public Listener {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(credentials, "credentials");
            Objects.requireNonNull(limits, "limits");
            if (consoleSession != null && (consoleSession.isNegative() || consoleSession.isZero())) {
                throw new IllegalArgumentException("--console-session must be positive, got " + consoleSession);
            }
        }
    }

    /** The store: PostgreSQL at {@code storeUrl}, or SQLite in {@code dataDir} when {@code storeUrl} is null. */
    public record Storage(Path dataDir, String storeUrl) {}

    /**
     * Registries and resolution.
     *
     * @param client the registry client's timeouts, retries, credentials and access rules
     * @param resolve how image versions are resolved
     * @param repositoryCredentials where containers' {@code repositoryCredentials.credentialsParameter} are looked up
     */
    public record Registries(
            RegistryConfig client, ResolveSettings resolve, RepositoryCredentials repositoryCredentials) {
        public Registries {
            Objects.requireNonNull(client, "client");
            Objects.requireNonNull(resolve, "resolve");
            Objects.requireNonNull(repositoryCredentials, "repositoryCredentials");
        }
    }

    /**
     * The embedded agent.
     *
     * @param simulatedInstances container instances it registers (one with an engine); 0 for no embedded agent
     * @param runtime what runs its containers
     * @param dockerHost the Docker Engine API endpoint ({@code unix:///…} or {@code tcp://…}) used instead of
     *     detection; null to detect
     * @param portHostIp the address containers' port mappings bind on
     * @param instance the cluster its instances join and the resources they register
     * @param health when agents count as disconnected, and when their tasks are stopped
     * @param serverless whether the embedded instances offer serverless (FARGATE) capacity (--[no-]serverless)
     * @param networks the engine network each awsvpc subnet maps to (--subnet-network; docs/networking.md)
     * @param attributes attributes the embedded instances register (--instance-attribute), e.g. ecs.instance-type
     */
    public record Agents(
            int simulatedInstances,
            RuntimeChoice runtime,
            String dockerHost,
            String portHostIp,
            EmbeddedInstance instance,
            InstanceHealth.Settings health,
            boolean serverless,
            SubnetNetworks networks,
            Map<String, String> attributes) {
        public Agents {
            attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
            Objects.requireNonNull(networks, "networks");
            Objects.requireNonNull(runtime, "runtime");
            Objects.requireNonNull(portHostIp, "portHostIp");
            Objects.requireNonNull(instance, "instance");
            Objects.requireNonNull(health, "health");
            if (simulatedInstances < 0) {
                throw new IllegalArgumentException(
                        "simulated instances must not be negative, got " + simulatedInstances);
            }
        }
    }

    /**
     * The reconcilers.
     *
     * @param reconcilePeriod how often every service is reconciled when nothing wakes them
     * @param stoppedTaskRetention how long stopped tasks stay visible before they are purged
     * @param reconcileWorkers how many services the controllers reconcile at once (--reconcile-workers)
     * @param replica this server among replicas sharing a store, and its lease on the controller shards
     */
    public record Controllers(
            Duration reconcilePeriod, Duration stoppedTaskRetention, Replica replica, int reconcileWorkers) {
        public Controllers {
            if (reconcileWorkers < 1) {
                throw new IllegalArgumentException("reconcile workers must be at least 1, got " + reconcileWorkers);
            }
            Objects.requireNonNull(reconcilePeriod, "reconcilePeriod");
            Objects.requireNonNull(stoppedTaskRetention, "stoppedTaskRetention");
            Objects.requireNonNull(replica, "replica");
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
            Objects.requireNonNull(cluster, "cluster");
            if (!cluster.matches("[A-Za-z0-9_-]{1,255}")) {
                throw new IllegalArgumentException(
                        "cluster name must be 1-255 letters, digits, hyphens or underscores, got '" + cluster + "'");
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
     * @param controllerLease how long a replica's lease on its controller shards lasts: the shards of a replica that
     *     died are taken over by the others within it (plus a third of it)
     */
    public record Replica(String nodeName, Duration controllerLease) {
        public Replica {
            Objects.requireNonNull(nodeName, "nodeName");
            if (!nodeName.matches("[A-Za-z0-9_.-]{0,64}")) {
                throw new IllegalArgumentException(
                        "node name must be at most 64 letters, digits, '.', '_' or '-', got '" + nodeName + "'");
            }
        }

        public static Replica defaults() {
            return new Replica("", Duration.ofSeconds(6));
        }
    }

    /**
     * The image lifecycle after pinning (issue 11); the tag watcher's settings are {@link TagWatch}.
     *
     * @param guardInterval how often the pinned-image guard sweeps every held digest (--guard-interval); zero turns
     *     the guard off (no sweep, no check before launches)
     * @param guardCacheTtl how long the guard's answer for one digest is reused before a launch checks again
     * @param notificationToken the token registry notifications must carry; null: the endpoint refuses all
     * @param waveSize how many services a moved tag rolls at once, across services (--rollout-wave-size)
     */
    public record Lifecycle(Duration guardInterval, Duration guardCacheTtl, String notificationToken, int waveSize) {
        public Lifecycle {
            Objects.requireNonNull(guardInterval, "guardInterval");
            Objects.requireNonNull(guardCacheTtl, "guardCacheTtl");
            if (waveSize < 1) {
                throw new IllegalArgumentException("rollout wave size must be at least 1, got " + waveSize);
            }
        }

        /** Sweep every 10 minutes, reuse a guard answer 30 s, no notifications, waves of 5. */
        public static Lifecycle defaults() {
            return new Lifecycle(Duration.ofMinutes(10), Duration.ofSeconds(30), null, 5);
        }

        public Lifecycle withGuard(Duration interval, Duration cacheTtl) {
            return new Lifecycle(interval, cacheTtl, notificationToken, waveSize);
        }

        public Lifecycle withNotificationToken(String value) {
            return new Lifecycle(guardInterval, guardCacheTtl, value, waveSize);
        }

        public Lifecycle withWaveSize(int value) {
            return new Lifecycle(guardInterval, guardCacheTtl, notificationToken, value);
        }

        /** Never shows the notification token. */
        @Override
        public String toString() {
            return "Lifecycle[guardInterval=" + guardInterval + ", guardCacheTtl=" + guardCacheTtl
                    + ", notificationToken=" + (notificationToken == null ? "none" : "***") + ", waveSize="
                    + waveSize + "]";
        }
    }

    /** A builder holding every default: loopback, SQLite in {@code ~/.ballast}, one simulated instance. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects a {@link ServerConfig}; every setter returns this builder. */
    public static final class Builder {
        private InetAddress bind = InetAddress.getLoopbackAddress();
        private int port = 8460;
        private CredentialStore credentials;
        private ApiServer.Limits limits = ApiServer.Limits.defaults();
        private Duration consoleSession = Sessions.DEFAULT_LIFETIME;
        private Path dataDir = Path.of(System.getProperty("user.home"), ".ballast");
        private String storeUrl;
        private Account account = new Account("000000000000", "us-east-1");
        private Clock clock = Clock.systemUTC();
        private RegistryConfig registry = RegistryConfig.defaults()
                .withRetries(2, Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(30));
        private ResolveSettings resolve = ResolveSettings.defaults();
        private RepositoryCredentials repositoryCredentials = RepositoryCredentials.none();
        private int simulatedInstances = 1;
        private RuntimeChoice runtime = RuntimeChoice.SIMULATED;
        private String dockerHost;
        private String portHostIp = DockerRuntime.DEFAULT_HOST_IP;
        private EmbeddedInstance instance = EmbeddedInstance.defaults();
        private InstanceHealth.Settings agentHealth = InstanceHealth.Settings.defaults();
        private boolean serverless = true;
        private Map<String, String> instanceAttributes = Map.of();
        private SubnetNetworks networks = SubnetNetworks.DEFAULT;
        private Duration reconcilePeriod = Duration.ofMillis(250);
        private Duration stoppedTaskRetention = DEFAULT_STOPPED_TASK_RETENTION;
        private int reconcileWorkers = Reconcilers.DEFAULT_WORKERS;
        private Replica replica = Replica.defaults();
        private Lifecycle lifecycle = Lifecycle.defaults();
        private TagWatch tagWatch = new TagWatch(TagWatcher.DEFAULT_INTERVAL, BudgetSettings.defaults());

        private Builder() {}

        /** The tag watcher's interval and the registries' request budgets (default: 5 minutes, the default budgets). */
        public Builder tagWatch(TagWatch value) {
            this.tagWatch = value;
            return this;
        }

        /** The address to listen on (default: loopback). */
        public Builder bind(InetAddress value) {
            this.bind = value;
            return this;
        }

        /** The port to listen on (default 8460; 0 for any free port). */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** The access keys the API accepts (required). */
        public Builder credentials(CredentialStore value) {
            this.credentials = value;
            return this;
        }

        /** What a client may hold before it is authenticated (default: {@link ApiServer.Limits#defaults()}). */
        public Builder limits(ApiServer.Limits value) {
            this.limits = value;
            return this;
        }

        /** The data directory of the SQLite store (default: {@code ~/.ballast}). */
        public Builder dataDir(Path value) {
            this.dataDir = value;
            return this;
        }

        /** A PostgreSQL JDBC URL; null (the default) for SQLite in the data directory. */
        public Builder storeUrl(String value) {
            this.storeUrl = value;
            return this;
        }

        /** The account and region in ARNs (default: 000000000000, us-east-1). */
        public Builder account(Account value) {
            this.account = value;
            return this;
        }

        /** The clock of every component (default: the system clock, UTC). */
        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        /** Changes the registry client's settings (default: two retries, 200 ms to 2 s apart, Retry-After capped at 30 s). */
        public Builder registry(UnaryOperator<RegistryConfig> change) {
            this.registry = change.apply(registry);
            return this;
        }

        /** How image versions are resolved (default: {@link ResolveSettings#defaults()}). */
        public Builder resolve(ResolveSettings value) {
            this.resolve = value;
            return this;
        }

        /** Where {@code repositoryCredentials.credentialsParameter} names are looked up (default: nowhere). */
        public Builder repositoryCredentials(RepositoryCredentials value) {
            this.repositoryCredentials = value;
            return this;
        }

        /** Simulated container instances of the embedded agent (default 1; 0 for no embedded agent). */
        public Builder simulatedInstances(int value) {
            this.simulatedInstances = value;
            return this;
        }

        /** The embedded agent's runtime (default: simulated). */
        public Builder runtime(RuntimeChoice value) {
            this.runtime = value;
            return this;
        }

        /** The Docker Engine API endpoint the embedded agent uses instead of detection (default: detect). */
        public Builder dockerHost(String value) {
            this.dockerHost = value;
            return this;
        }

        /** The address containers' port mappings bind on (default 127.0.0.1). */
        public Builder portHostIp(String value) {
            this.portHostIp = value;
            return this;
        }

        /** Attributes the embedded instances register (placement constraints and capacity provider pools read them). */
        public Builder instanceAttributes(Map<String, String> value) {
            this.instanceAttributes = Map.copyOf(value);
            return this;
        }

        /** Whether the embedded instances offer serverless (FARGATE) capacity (default: they do). */
        public Builder serverless(boolean value) {
            this.serverless = value;
            return this;
        }

        /** The engine network each awsvpc subnet maps to (default: one network per cluster). */
        public Builder subnetNetworks(SubnetNetworks value) {
            this.networks = value;
            return this;
        }

        /** The embedded instances' cluster and resources (default: {@link EmbeddedInstance#defaults()}). */
        public Builder instance(EmbeddedInstance value) {
            this.instance = value;
            return this;
        }

        /** When agents count as disconnected, and when their tasks are stopped (default: 30 s, 60 s). */
        public Builder agentHealth(InstanceHealth.Settings value) {
            this.agentHealth = value;
            return this;
        }

        /** How often every service is reconciled when nothing wakes them (default 250 ms). */
        public Builder reconcilePeriod(Duration value) {
            this.reconcilePeriod = value;
            return this;
        }

        /** How long stopped tasks stay visible (default: one hour, as ECS). */
        public Builder reconcileWorkers(int value) {
            this.reconcileWorkers = value;
            return this;
        }

        /** How long a console sign-in lasts; null serves no console (default: {@link Sessions#DEFAULT_LIFETIME}). */
        public Builder console(Duration sessionLifetime) {
            this.consoleSession = sessionLifetime;
            return this;
        }

        public Builder stoppedTaskRetention(Duration value) {
            this.stoppedTaskRetention = value;
            return this;
        }

        /** This replica's node name and controller lease (default: no name, 10 s). */
        public Builder replica(Replica value) {
            this.replica = value;
            return this;
        }

        /** Changes the image-lifecycle settings (default: {@link Lifecycle#defaults()}). */
        public Builder lifecycle(UnaryOperator<Lifecycle> change) {
            this.lifecycle = change.apply(lifecycle);
            return this;
        }

        public ServerConfig build() {
            return new ServerConfig(
                    new Listener(bind, port, credentials, limits, consoleSession),
                    new Storage(dataDir, storeUrl),
                    account,
                    clock,
                    new Registries(registry, resolve, repositoryCredentials),
                    new Agents(
                            simulatedInstances,
                            runtime,
                            dockerHost,
                            portHostIp,
                            instance,
                            agentHealth,
                            serverless,
                            networks,
                            instanceAttributes),
                    new Controllers(reconcilePeriod, stoppedTaskRetention, replica, reconcileWorkers),
                    lifecycle,
                    tagWatch);
        }
    }
}
