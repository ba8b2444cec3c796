package dev.ballast.deploy;

import dev.ballast.store.Leases;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease that makes exactly one server replica drive the controllers (services, deployments, instance
 * health) when several replicas share one store. The controller runtime asks {@link #held()} before every key
 * (and the service controller again before launching tasks): the holder renews
 * the lease once a third of its term has passed; another replica takes it only after it expired. So a
 * replica that dies (or is cut off from the store) is replaced within one {@code ttl}, and since every
 * controller step is level-triggered and written compare-and-set, the new holder continues where the old
 * one stopped.
 *
 * <p>Expiry times are on the replicas' clocks: the holder stops acting {@link #margin} before its lease
 * expires, so replica clocks must agree to within that margin (NTP does far better).
 */
public final class ControllerLease {
    private static final Logger LOG = LoggerFactory.getLogger(ControllerLease.class);
    /** The name of the lease in the store. */
    public static final String NAME = "controllers";

    private final Leases leases;
    private final String holder;
    private final Clock clock;
    private final Duration ttl;
    private final Duration margin;
    private volatile long heldUntil; // epoch ms; 0: never held
    private volatile boolean leader;

    /**
     * @param holder this replica's identity in the lease (unique per process)
     * @param ttl how long a taken or renewed lease lasts
     */
    public ControllerLease(Leases leases, String holder, Clock clock, Duration ttl) {
        this.leases = Objects.requireNonNull(leases, "leases");
        this.holder = Objects.requireNonNull(holder, "holder");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.toMillis() < 1_000) {
            throw new IllegalArgumentException("controller lease must last at least 1 s, got " + ttl);
        }
        this.ttl = ttl;
        this.margin = ttl.dividedBy(5);
    }

    /** True when this replica holds the lease now (taking or renewing it when due); false when another does. */
    public boolean held() {
        long now = clock.millis();
        if (now < heldUntil - ttl.toMillis() * 2 / 3) {
            return true; // renewed recently
        }
        boolean got;
        try {
            got = leases.acquire(NAME, holder, now, now + ttl.toMillis());
        } catch (RuntimeException e) {
            LOG.warn("controller lease: store unreachable: {}", e.toString());
            got = false;
        }
        if (got) {
            heldUntil = now + ttl.toMillis();
        }
        boolean acting = got || now < heldUntil - margin.toMillis();
        if (acting != leader) {
            leader = acting;
            LOG.info(
                    acting
                            ? "controller lease taken by {}: this replica drives services and deployments"
                            : "controller lease lost by {}: another replica drives services and deployments",
                    holder);
        }
        return acting;
    }

    /** Whether the last {@link #held()} answered true (for the {@code ballast.controller.leader} gauge). */
    public boolean leader() {
        return leader;
    }

    public String holder() {
        return holder;
    }

    /** Gives the lease up (orderly shutdown), so that another replica takes over without waiting for it to expire. */
    public void release() {
        try {
            if (leader) {
                leases.release(NAME, holder);
                LOG.info("controller lease released by {}", holder);
            }
        } catch (RuntimeException e) {
            LOG.warn("controller lease: release failed, it will expire: {}", e.toString());
        }
        leader = false;
        heldUntil = 0;
    }
}
