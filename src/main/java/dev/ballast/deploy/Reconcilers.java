package dev.ballast.deploy;

import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.FencedException;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Sharding;
import dev.ballast.store.Shards;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's controllers on one {@link ControllerRuntime}: the service reconciler keyed by service ARN, and
 * periodic jobs — a level-triggered resync that queues every live service each {@code period}, the instance-health
 * monitor (agents that stopped reporting; on every replica, for the instances of its shards) and, when given, the
 * stopped-task purge. A small pool of workers
 * reconciles different services at once, never one service twice at once.
 *
 * <p>With several replicas on one store ({@link Sharding}), each reconciles only the services of the shards it holds
 * ({@link Shards#of} the service ARN), each reconcile under its shard's fence, so that a replica that lost the shard
 * meanwhile cannot write; the resync queues only this replica's services. Jobs added with {@link #withJob} run on the
 * holder of {@link Shards#FIRST}, under its fence; jobs added with {@link #withShardedJob} run on every replica and
 * divide their work by shard themselves.
 */
public final class Reconcilers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconcilers.class);
    /**
     * Workers by default, keys reconciled at once: the processors, at least 2 and at most 4. Reconciles wait only on
     * the store, so more workers than cores only take CPU from the API (docs/benchmarks.md, "Reconcile throughput").
     */
    public static final int DEFAULT_WORKERS = Math.clamp(Runtime.getRuntime().availableProcessors(), 2, 4);
    /** The job that queues every live service (level-triggered resync). */
    static final String RESYNC = "job:resync";
    /** The job that runs the instance-health monitor. */
    static final String INSTANCE_HEALTH = "job:instance-health";
    /** The job that purges expired stopped tasks. */
    static final String PURGE = "job:stopped-task-purge";
    /** Keys {@code instance:<ARN>}: a container instance changed, its cluster's DAEMON services reconcile. */
    static final String INSTANCE_PREFIX = "instance:";
    /** The first back-off after a failed reconcile of a key, doubled per consecutive failure ... */
    static final Duration BACKOFF = Duration.ofMillis(250);
    /** ... up to this. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Store store;
    private final InstanceHealth health;
    private final ServiceController controller;
    private final DaemonInstances daemons;
    private final ControllerRuntime runtime;
    private final Sharding sharding;
    private volatile StoppedTaskPurge purge;
    private final Map<String, Runnable> jobs = new ConcurrentHashMap<>();
    private final Set<String> shardedJobs = ConcurrentHashMap.newKeySet();
    private final LongAdder serviceReconciles = new LongAdder();
    private volatile int ownedServices;

    public Reconcilers(Store store, ServiceController controller, Duration period, Clock clock) {
        this(store, controller, period, clock, null);
    }

    /** As above, also running the instance-health monitor every {@code period} (null: none). */
    public Reconcilers(Store store, ServiceController controller, Duration period, Clock clock, InstanceHealth health) {
        this(store, controller, period, clock, health, null);
    }

    /**
     * As above, reconciling only the keys of the shards {@code sharding} says this replica holds (several replicas on
     * one store: each key is driven by exactly one).
     */
    public Reconcilers(
            Store store,
            ServiceController controller,
            Duration period,
            Clock clock,
            InstanceHealth health,
            Sharding sharding) {
        this(store, controller, period, clock, health, sharding, DEFAULT_WORKERS);
    }

    /** As above, with {@code workers} services reconciled at once. */
    public Reconcilers(
            Store store,
            ServiceController controller,
            Duration period,
            Clock clock,
            InstanceHealth health,
            Sharding sharding,
            int workers) {
        this.health = health;
        this.store = store;
        this.controller = controller;
        this.daemons = new DaemonInstances(store);
        this.runtime = new ControllerRuntime(
                        "ballast-reconciler", this::reconcile, workers, clock, this::accepts, BACKOFF, MAX_BACKOFF)
                .every(RESYNC, period);
        if (health != null) {
            runtime.every(INSTANCE_HEALTH, period);
        }
        this.sharding = sharding == null ? Sharding.ALL : sharding;
    }

    /** Also purges expired stopped tasks (see {@link StoppedTaskPurge}); call before {@link #start()}. */
    public Reconcilers withPurge(StoppedTaskPurge p) {
        this.purge = p;
        runtime.every(PURGE, StoppedTaskPurge.EVERY);
        return this;
    }

    /**
     * Also runs {@code job} as the periodic job {@code key} ({@code job:…}) now and every {@code period}, on the
     * holder of shard 0 only, under its fence (e.g. {@code job:moved-tag-rollouts}); call before {@link #start()}. A job that does I/O should hand it to
     * a thread of its own so that it does not hold a controller worker.
     */
    public Reconcilers withJob(String key, Duration period, Runnable job) {
        if (!key.startsWith("job:") || key.equals(RESYNC) || key.equals(INSTANCE_HEALTH) || key.equals(PURGE)) {
            throw new IllegalArgumentException("a periodic job's key must start with job: and be new, got " + key);
        }
        jobs.put(key, job);
        runtime.every(key, period);
        return this;
    }

    /**
     * As {@link #withJob}, but the job runs on every replica, not under a fence: it divides its work by shard itself
     * (its items' {@link Sharding#owns} and {@link Sharding#runFenced}).
     */
    public Reconcilers withShardedJob(String key, Duration period, Runnable job) {
        withJob(key, period, job);
        shardedJobs.add(key);
        return this;
    }

    public Reconcilers start() {
        runtime.start();
        return this;
    }

    /** Asks for a resync of every live service soon (coalesced: one resync queued at a time). */
    public void wake() {
        runtime.enqueue(RESYNC);
    }

    /** Asks for a reconcile of one service soon (a targeted wake-up, e.g. on a change notification). */
    public void enqueue(String serviceArn) {
        runtime.enqueue(serviceArn);
    }

    /**
     * A container instance registered, reconnected, or changed its status or attributes: the DAEMON services of
     * its cluster reconcile soon (a joining instance gets their tasks without waiting for the periodic resync).
     * Cheap for the caller (a change listener): the lookup runs on a worker.
     */
    public void instanceChanged(String instanceArn) {
        runtime.enqueue(INSTANCE_PREFIX + instanceArn);
    }

    /**
     * One full pass on the caller's thread (tests): runs the periodic jobs now, then reconciles every live service
     * and whatever they queue until nothing is ready; returns once no worker is reconciling either.
     */
    public void passOnce() {
        runtime.enqueue(INSTANCE_HEALTH);
        if (purge != null) {
            runtime.enqueue(PURGE);
        }
        jobs.keySet().forEach(runtime::enqueue);
        runtime.enqueue(RESYNC);
        runtime.runUntilIdle();
    }

    /** Keys queued or waiting for a worker (the {@code ballast.controller.queue} gauge). */
    public int queueDepth() {
        return runtime.depth();
    }

    /** Service reconciles this replica has run (the {@code ballast.controller.reconciles} counter). */
    public long serviceReconciles() {
        return serviceReconciles.sum();
    }

    /** Live services in this replica's shards at the last resync (the {@code ballast.controller.services} gauge). */
    public int ownedServices() {
        return ownedServices;
    }

    /** Whether this replica reconciles {@code key} now: its service's shard, or for a job, the job's rule. */
    private boolean accepts(String key) {
        if (key.equals(RESYNC)
                || key.startsWith(INSTANCE_PREFIX)
                || key.equals(INSTANCE_HEALTH)
                || shardedJobs.contains(key)) {
            return true; // they read and queue (what they queue is filtered in turn), or divide their work by shard
        }
        if (key.startsWith("job:")) {
            return sharding.ownsFirst();
        }
        return sharding.owns(key);
    }

    private Result reconcile(String key) {
        try {
            switch (key) {
                case RESYNC -> resync();
                case INSTANCE_HEALTH -> {
                    // on every replica: it judges the instances of this replica's shards, each under its own fence
                    if (health != null && health.passOnce() > 0) {
                        runtime.enqueue(RESYNC); // their services start replacements
                    }
                }
                case PURGE -> {
                    if (purge != null) {
                        sharding.runFenced(Shards.FIRST, purge::passOnce);
                    }
                }
                default -> {
                    Runnable job = jobs.get(key);
                    if (job != null && shardedJobs.contains(key)) {
                        job.run();
                    } else if (job != null) {
                        sharding.runFenced(Shards.FIRST, job);
                    } else if (key.startsWith(INSTANCE_PREFIX)) {
                        daemons.servicesOnInstance(key.substring(INSTANCE_PREFIX.length()))
                                .forEach(runtime::enqueue);
                    } else if (sharding.runFenced(key, () -> controller.reconcile(key))) {
                        serviceReconciles.increment();
                    }
                }
            }
        } catch (FencedException e) {
            // the shard moved while this key was reconciled: its new holder goes on, nothing was written here
            LOG.info("reconcile {} stopped: {}", key, e.getMessage());
        }
        return Result.done();
    }

    private void resync() {
        int owned = 0;
        for (Versioned<ServiceRow> s : store.services().needingReconcile(100_000)) {
            String arn = s.value().arn();
            if (sharding.owns(arn)) {
                owned++;
                runtime.resync(arn);
            }
        }
        ownedServices = owned;
    }

    @Override
    public void close() {
        runtime.close();
        if (sharding instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("controller shards: close failed: {}", e.toString());
            }
        }
    }
}
