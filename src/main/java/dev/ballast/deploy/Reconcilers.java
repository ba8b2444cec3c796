package dev.ballast.deploy;

import dev.ballast.schedule.InstanceHealth;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
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

    public Reconcilers(Store store, ServiceController controller, Duration period) {
        this(store, controller, period, null);
    }

    /** As above, also running the instance-health monitor at the start of each pass (null: none). */
    public Reconcilers(Store store, ServiceController controller, Duration period, InstanceHealth health) {
        this(store, controller, period, health, null);
    }

    /**
     * As above; when {@code lease} is given, a pass does anything only while this replica holds it (several
     * replicas on one store: exactly one drives the controllers).
     */
    public Reconcilers(Store store, ServiceController controller, Duration period, InstanceHealth health,
                       ControllerLease lease) {
        this.lease = lease;
        this.health = health;
        this.store = store;
        this.controller = controller;
        this.period = period;
        this.thread = Thread.ofPlatform().name("ballast-reconciler").daemon().unstarted(this::loop);
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

    /** One pass over all live services (tests call this directly). */
    public void passOnce() {
        if (!leading()) {
            return;
        }
        if (health != null) {
            try {
                health.passOnce();
            } catch (RuntimeException e) {
                LOG.warn("instance-health pass failed; retrying next pass", e);
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
                LOG.warn("reconcile {} failed; retrying next pass", s.value().arn(), e);
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
                LOG.warn("reconcile pass failed", e);
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
