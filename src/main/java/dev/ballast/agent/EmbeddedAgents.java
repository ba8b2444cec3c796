package dev.ballast.agent;

import dev.ballast.core.Account;
import dev.ballast.core.RepeatedLog;
import dev.ballast.registry.RepositoryCredentials;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agents embedded in the server: N container instances registered in one cluster, each with its own
 * runtime, each driven on its own virtual thread every {@link Config#interval()} (sooner after
 * {@link #wake()}) until {@link #close()}. Instance ids are derived from (cluster, node, index), so a restarted
 * server re-uses its instances and finds their tasks, and replicas sharing a store each run their own.
 */
public final class EmbeddedAgents implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedAgents.class);
    /** How often an embedded agent records a heartbeat in the store (the instance-health monitor reads it). */
    static final Duration HEARTBEAT = Duration.ofSeconds(1);

    /**
     * @param account account and region of the instance ARNs
     * @param cluster cluster the instances register in (it must exist)
     * @param instances how many instances
     * @param cpu registered CPU units per instance
     * @param memory registered memory per instance, MiB
     * @param interval time between two passes of an agent
     * @param maxConcurrentPulls tasks pulling at once, per instance
     * @param version the Ballast version, published as {@code agentVersion} {@code ballast-<version>}
     * @param node the server replica's node name, part of the instance ids (empty for a lone server)
     */
    public record Config(
            Account account,
            String cluster,
            int instances,
            int cpu,
            int memory,
            Duration interval,
            int maxConcurrentPulls,
            String version,
            String node) {
        public Config(
                Account account,
                String cluster,
                int instances,
                int cpu,
                int memory,
                Duration interval,
                int maxConcurrentPulls,
                String version) {
            this(account, cluster, instances, cpu, memory, interval, maxConcurrentPulls, version, "");
        }

        public Config {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(cluster, "cluster");
            Objects.requireNonNull(interval, "interval");
            Objects.requireNonNull(version, "version");
            if (instances < 0
                    || cpu < 1
                    || memory < 1
                    || maxConcurrentPulls < 1
                    || interval.isNegative()
                    || interval.isZero()) {
                throw new IllegalArgumentException("invalid embedded agent config " + instances + " instances, cpu "
                        + cpu + ", memory " + memory + ", pulls " + maxConcurrentPulls + ", interval " + interval);
            }
        }

        /**
         * 2048 CPU units and 4096 MiB per instance, a pass every second (and on every {@code wake()}), 32 concurrent
         * pulls per instance (a task waiting on a pull of the same image in flight holds a slot, so fewer slots mean
         * more registry requests for a tag every task pulls: 8 slots sent 3.5 times as many).
         */
        public static Config defaults(Account account, String cluster, int instances, String version) {
            return new Config(account, cluster, instances, 2048, 4096, Duration.ofSeconds(1), 32, version);
        }

        /** A copy whose instances register {@code cpu} CPU units and {@code memory} MiB each. */
        public Config withResources(int cpu, int memory) {
            return new Config(account, cluster, instances, cpu, memory, interval, maxConcurrentPulls, version, node);
        }

        /** A copy whose instances belong to server replica {@code node}. */
        public Config withNode(String node) {
            return new Config(account, cluster, instances, cpu, memory, interval, maxConcurrentPulls, version, node);
        }
    }

    private final List<Agent> agents;
    private final List<Semaphore> nudges;
    private final List<Thread> loops = new ArrayList<>();
    private volatile boolean closed;
    private final Semaphore stop = new Semaphore(0);

    private final ControlPlane server;
    private final Clock clock;
    private final RepeatedLog failures;

    private EmbeddedAgents(List<Agent> agents, List<Semaphore> nudges, ControlPlane server, Clock clock) {
        this.agents = List.copyOf(agents);
        this.nudges = List.copyOf(nudges);
        this.server = server;
        this.clock = clock;
        this.failures = new RepeatedLog(LOG, clock, Duration.ofMinutes(1));
    }

    /**
     * Registers the instances (or finds them from an earlier run) and starts their loops.
     *
     * @param runtimeFor makes the runtime of one instance, given its ARN
     */
    public static EmbeddedAgents start(
            Config config,
            ControlPlane server,
            Function<String, ContainerRuntime> runtimeFor,
            MeterRegistry meters,
            Clock clock) {
        return start(config, server, runtimeFor, meters, clock, RepositoryCredentials.none());
    }

    /** As above; containers' {@code repositoryCredentials} are looked up in {@code repositoryCredentials}. */
    public static EmbeddedAgents start(
            Config config,
            ControlPlane server,
            Function<String, ContainerRuntime> runtimeFor,
            MeterRegistry meters,
            Clock clock,
            RepositoryCredentials repositoryCredentials) {
        List<Agent> agents = new ArrayList<>();
        List<Semaphore> nudges = new ArrayList<>();
        for (int i = 0; i < config.instances(); i++) {
            String arn = instanceArn(config.account(), config.cluster(), config.node(), i);
            ContainerRuntime runtime = runtimeFor.apply(arn);
            server.register(new ControlPlane.Registration(
                    config.cluster(),
                    arn,
                    ec2InstanceId(config.cluster(), config.node(), i),
                    config.cpu(),
                    config.memory(),
                    runtime.attributes(),
                    "ballast-" + config.version()));
            LOG.info(
                    "agent runtime={} instance={} cluster={} cpu={} memory_mib={} — {}",
                    runtime.name(),
                    arn,
                    config.cluster(),
                    config.cpu(),
                    config.memory(),
                    runtime.description());
            Semaphore nudge = new Semaphore(0);
            nudges.add(nudge);
            agents.add(new Agent(
                    arn,
                    server.tasks(arn),
                    runtime,
                    meters,
                    clock,
                    config.maxConcurrentPulls(),
                    () -> nudge(nudge),
                    repositoryCredentials));
        }
        EmbeddedAgents embedded = new EmbeddedAgents(agents, nudges, server, clock);
        embedded.startLoops(config.interval());
        return embedded;
    }

    /**
     * {@code arn:aws:ecs:<region>:<account>:container-instance/<cluster>/<32 hex>}, the hex derived from
     * (cluster, index) so that it is the same on every start.
     */
    public static String instanceArn(Account account, String cluster, int index) {
        return instanceArn(account, cluster, "", index);
    }

    /** As above for the instances of server replica {@code node} (see {@link Config#node()}). */
    public static String instanceArn(Account account, String cluster, String node, int index) {
        return account.ecsArnPrefix() + "container-instance/" + cluster + "/"
                + hash(cluster, node, index).substring(0, 32);
    }

    private static String ec2InstanceId(String cluster, String node, int index) {
        return "i-" + hash(cluster, node, index).substring(32, 49);
    }

    private static String hash(String cluster, String node, int index) {
        String seed = "ballast-simulated-instance/" + cluster + "/" + (node.isEmpty() ? "" : node + "/") + index;
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(seed.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    private void startLoops(Duration interval) {
        for (int i = 0; i < agents.size(); i++) {
            Agent agent = agents.get(i);
            Semaphore nudge = nudges.get(i);
            loops.add(Thread.ofVirtual().name("agent-" + i).start(() -> loop(agent, nudge, interval)));
        }
        if (!agents.isEmpty()) {
            loops.add(Thread.ofVirtual().name("agent-heartbeat").start(this::heartbeats));
        }
    }

    /**
     * The instances' heartbeats, on a thread of their own that never waits on a container step: how long a pass
     * takes (an engine that is slow to create containers, a stop waiting out a long {@code stopTimeout}) has no
     * bearing on whether the instance counts as connected. As with the ECS agent, the heartbeat says the agent
     * process is alive and reaches the control plane.
     */
    private void heartbeats() {
        while (!closed) {
            long now = clock.millis();
            for (Agent agent : agents) {
                try {
                    server.heartbeat(agent.instanceArn(), now);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "agent instance={}: heartbeat failed, trying again in {}: {}",
                            agent.instanceArn(),
                            HEARTBEAT,
                            e.toString());
                }
            }
            try {
                if (stop.tryAcquire(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void loop(Agent agent, Semaphore nudge, Duration interval) {
        // At start-up, and every few seconds after: remove the running containers of tasks the server no longer
        // assigns here (stopped while this server was down, or by the instance-health monitor).
        OrphanSweeper orphans = new OrphanSweeper(agent, clock);
        while (!closed) {
            try {
                agent.reconcileOnce();
                orphans.maybeSweep();
            } catch (RuntimeException e) {
                failures.warn(
                        agent.instanceArn() + "|" + e,
                        "agent instance=" + agent.instanceArn() + ": pass failed: " + e,
                        e);
            }
            try {
                nudge.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                nudge.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Makes every agent run a pass now (the scheduler calls this after placing tasks). */
    public void wake() {
        nudges.forEach(EmbeddedAgents::nudge);
    }

    private static void nudge(Semaphore s) {
        if (s.availablePermits() == 0) {
            s.release();
        }
    }

    /** The agents, in instance index order. */
    public List<Agent> agents() {
        return agents;
    }

    @Override
    public void close() {
        closed = true;
        stop.release();
        nudges.forEach(Semaphore::release);
        for (Thread t : loops) {
            try {
                if (!t.join(Duration.ofSeconds(10))) {
                    t.interrupt();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        agents.forEach(Agent::close);
    }
}
