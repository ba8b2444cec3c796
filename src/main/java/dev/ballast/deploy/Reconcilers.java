package dev.ballast.deploy;

import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The server's controllers on one {@link ControllerRuntime}: the service reconciler keyed by service ARN, and
 * periodic jobs — a level-triggered resync that queues every live service each {@code period}, the instance-health
 * monitor (agents that stopped reporting) and, when given, the stopped-task purge. A small pool of workers
 * reconciles different services at once, never one service twice at once. With a {@link ControllerLease}, only
 * the replica holding it reconciles anything; the lease is asked before every key.
 */
public final class Reconcilers implements AutoCloseable {
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
    private final ControllerLease lease;
    private volatile StoppedTaskPurge purge;
    private final Map<String, Runnable> jobs = new ConcurrentHashMap<>();

    public Reconcilers(Store store, ServiceController controller, Duration period, Clock clock) {
        this(store, controller, period, clock, null);
    }

    /** As above, also running the instance-health monitor every {@code period} (null: none). */
    public Reconcilers(Store store, ServiceController controller, Duration period, Clock clock, InstanceHealth health) {
        this(store, controller, period, clock, health, null);
    }

    /**
     * As above; when {@code lease} is given, keys are reconciled only while this replica holds it (several
     * replicas on one store: exactly one drives the controllers).
     */
    public Reconcilers(
            Store store,
            ServiceController controller,
            Duration period,
            Clock clock,
            InstanceHealth health,
            ControllerLease lease) {
        this(store, controller, period, clock, health, lease, DEFAULT_WORKERS);
    }

    /** As above, with {@code workers} services reconciled at once. */
    public Reconcilers(
            Store store,
            ServiceController controller,
            Duration period,
            Clock clock,
            InstanceHealth health,
            ControllerLease lease,
            int workers) {
        this.health = health;
        this.store = store;
        this.controller = controller;
        this.daemons = new DaemonInstances(store);
        this.runtime = new ControllerRuntime(
                        "ballast-reconciler",
                        this::reconcile,
                        workers,
                        clock,
                        () -> lease == null || lease.held(),
                        BACKOFF,
                        MAX_BACKOFF)
                .every(RESYNC, period);
        if (health != null) {
            runtime.every(INSTANCE_HEALTH, period);
        }
        this.lease = lease;
    }

    /** Also purges expired stopped tasks (see {@link StoppedTaskPurge}); call before {@link #start()}. */
    public Reconcilers withPurge(StoppedTaskPurge p) {
        this.purge = p;
        runtime.every(PURGE, StoppedTaskPurge.EVERY);
        return this;
    }

    /**
     * Also runs {@code job} as the periodic job {@code key} ({@code job:…}) now and every {@code period}, on the
     * leader only (e.g. {@code job:tag-watch}); call before {@link #start()}. A job that does I/O should hand it to
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

    private Result reconcile(String key) {
        switch (key) {
            case RESYNC -> {
                for (Versioned<ServiceRow> s : store.services().needingReconcile(100_000)) {
                    runtime.resync(s.value().arn());
                }
            }
            case INSTANCE_HEALTH -> {
                if (health != null && health.passOnce() > 0) {
                    runtime.enqueue(RESYNC); // their services start replacements
                }
            }
            case PURGE -> {
                if (purge != null) {
                    purge.passOnce();
                }
            }
            default -> {
                Runnable job = jobs.get(key);
                if (job != null) {
                    job.run();
                } else if (key.startsWith(INSTANCE_PREFIX)) {
                    daemons.servicesOnInstance(key.substring(INSTANCE_PREFIX.length()))
                            .forEach(runtime::enqueue);
                } else {
                    controller.reconcile(key);
                }
            }
        }
        return Result.done();
    }

    @Override
    public void close() {
        runtime.close();
        if (lease != null) {
            lease.release();
        }
    }
}
