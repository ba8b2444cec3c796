package dev.ballast.deploy;

import dev.ballast.core.RepeatedLog;
import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the service reconciler over every live service, level-triggered: on a fixed period and whenever
 * something is {@link #wake() woken} (an API write). One pass runs the instance-health monitor (agents that
 * stopped reporting), then handles each service once; with a {@link ControllerLease}, only on the replica
 * holding it.
 */
public final class Reconcilers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Reconcilers.class);
    private final Store store;
    private final InstanceHealth health;
    private final ServiceController controller;
    private final Duration period;
    private final ControllerLease lease;
    private final Semaphore wakeups = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile StoppedTaskPurge purge;
    private final RepeatedLog failures;

    public Reconcilers(Store store, ServiceController controller, Duration period, Clock clock) {
        this(store, controller, period, clock, null);
    }

    /** As above, also running the instance-health monitor at the start of each pass (null: none). */
    public Reconcilers(Store store, ServiceController controller, Duration period, Clock clock, InstanceHealth health) {
        this(store, controller, period, clock, health, null);
    }

    /**
     * As above; when {@code lease} is given, a pass does anything only while this replica holds it (several
     * replicas on one store: exactly one drives the controllers).
     */
    public Reconcilers(Store store, ServiceController controller, Duration period, Clock clock, InstanceHealth health,
                       ControllerLease lease) {
        this.lease = lease;
        this.health = health;
        this.store = store;
        this.controller = controller;
        this.period = period;
        this.failures = new RepeatedLog(LOG, clock, Duration.ofMinutes(1));
        this.thread = Thread.ofPlatform().name("ballast-reconciler").daemon().unstarted(this::loop);
    }

    /** Also purges expired stopped tasks on each pass (see {@link StoppedTaskPurge}); call before {@link #start()}. */
    public Reconcilers withPurge(StoppedTaskPurge p) {
        this.purge = p;
        return this;
    }

    public Reconcilers start() {
        thread.start();
        return this;
    }

    /** Asks for a pass soon (coalesced). */
    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    /**
     * One pass over all live services (tests call this directly). Passes run one at a time: a pass started
     * while the loop's is running waits for it, so that both do not plan the same launches.
     */
    public synchronized void passOnce() {
        if (!leading()) {
            return;
        }
        if (health != null) {
            try {
                health.passOnce();
            } catch (RuntimeException e) {
                failures.warn("instance-health", "instance-health pass failed; retrying next pass: " + e, e);
            }
        }
        if (purge != null) {
            try {
                purge.passOnce();
            } catch (RuntimeException e) {
                failures.warn("purge", "stopped-task purge failed; retrying next pass: " + e, e);
            }
        }
        for (Versioned<ServiceRow> s : store.services().needingReconcile(100_000)) {
            // asked before every service, not once per pass: a long pass must not outlive the lease (another
            // replica may have taken it meanwhile); cheap while the lease was renewed recently
            if (!leading()) {
                return;
            }
            try {
                controller.reconcile(s.value().arn());
            } catch (RuntimeException e) {
                // the same failure repeats on every pass: logged once a minute with a count, the stack trace once
                failures.warn(s.value().arn(), "reconcile " + s.value().arn() + " failed; retrying next pass: " + e, e);
            }
        }
    }

    private boolean leading() {
        return lease == null || lease.held();
    }

    private void loop() {
        while (running) {
            try {
                passOnce();
                wakeups.tryAcquire(period.toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                failures.warn("pass", "reconcile pass failed: " + e, e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (lease != null) {
            lease.release();
        }
    }
}
