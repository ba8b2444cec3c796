package dev.ballast.deploy;

import dev.ballast.core.RepeatedLog;
import dev.ballast.store.Fence;
import dev.ballast.store.ShardLeases;
import dev.ballast.store.Sharding;
import dev.ballast.store.Shards;
import dev.ballast.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's share of the controllers' shards when several replicas share one PostgreSQL store
 * (docs/architecture.md, "Replicas"). Every third of {@code ttl} ({@link #tick}, on the {@code ballast-shards}
 * thread) it renews its replica row (one write: it stays live for {@code ttl}), reads the live replicas and every
 * shard's holder, and follows {@link ShardPlan}: gives up shards over its fair share, takes free ones or those of a
 * replica that is no longer live (each take raises the shard's fencing token). So a replica that joins gets its share
 * within a pass or two, and the shards of one that dies are taken within {@code ttl} plus a pass.
 *
 * <p>It acts on its shards only until {@code ttl} minus a margin after its last successful renewal; whatever it
 * writes for a shard runs under the shard's {@link Fence} ({@link #runFenced}), which the store checks in the
 * writing transaction — a replica paused past its lease (or cut off) can never write after its shard moved, even if
 * it still believes it holds it.
 */
public final class ShardOwnership implements Sharding, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ShardOwnership.class);

    private final Store store;
    private final ShardLeases leases;
    private final String holder;
    private final String nodeName;
    private final Clock clock;
    private final Duration ttl;
    private final long startedAt;
    private final RepeatedLog failures;
    private volatile Map<Integer, Long> held = Map.of();
    private volatile long actUntil; // epoch ms on the clock; 0: never renewed
    private volatile Runnable onTaken = () -> {};
    private volatile Thread ticker;
    private final ReentrantLock passLock = new ReentrantLock();
    private boolean closed; // guarded by passLock
    private boolean shardsEnsured;
    private long ticks;

    /**
     * @param holder this replica's identity (unique per process)
     * @param nodeName the operator's name for it (logs, metrics)
     * @param ttl how long a renewal keeps this replica live
     */
    public ShardOwnership(Store store, String holder, String nodeName, Clock clock, Duration ttl) {
        this.store = Objects.requireNonNull(store, "store");
        this.leases = store.shardLeases();
        this.holder = Objects.requireNonNull(holder, "holder");
        this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (ttl.isNegative() || ttl.toMillis() < 1_000) {
            throw new IllegalArgumentException("the controller lease must last at least 1 s, got " + ttl);
        }
        this.ttl = ttl;
        this.startedAt = clock.millis();
        this.failures = new RepeatedLog(LOG, clock, Duration.ofMinutes(1));
    }

    /** Runs {@code r} (it must not block) after a pass that took shards: their services want reconciling now. */
    public ShardOwnership onTaken(Runnable r) {
        this.onTaken = Objects.requireNonNull(r, "r");
        return this;
    }

    /** Takes this replica's share now, then keeps it on the {@code ballast-shards} thread every third of the ttl. */
    public ShardOwnership start() {
        tick();
        Thread t = Thread.ofPlatform().name("ballast-shards").daemon().unstarted(this::run);
        ticker = t;
        t.start();
        return this;
    }

    private void run() {
        long period = ttl.toMillis() / 3;
        long next = System.nanoTime();
        while (ticker == Thread.currentThread()) {
            // a fixed rate (a slow pass does not push the next renewal back), without a burst after a long stall
            next = Math.max(next + period * 1_000_000, System.nanoTime());
            long wait = Math.max(0, (next - System.nanoTime()) / 1_000_000);
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            tick();
        }
    }

    /** One pass: renew, read, give up and take shards (see the class comment). Store failures are logged, not thrown. */
    public void tick() {
        passLock.lock();
        try {
            if (!closed) {
                pass();
            }
        } finally {
            passLock.unlock();
        }
    }

    private void pass() {
        long now = clock.millis();
        try {
            if (!shardsEnsured) {
                leases.ensureShards();
                shardsEnsured = true;
            }
            leases.heartbeat(holder, nodeName, startedAt, now + ttl.toMillis());
            Set<String> live = new HashSet<>();
            leases.live(now).forEach(r -> live.add(r.holder()));
            live.add(holder);
            ShardPlan.Plan plan = ShardPlan.plan(holder, live, leases.shards());
            Map<Integer, Long> next = new HashMap<>(plan.held());
            plan.release().forEach(next::remove);
            Map<Integer, Long> before = held;
            held = Map.copyOf(next); // stop acting on the shards given up before giving them up
            // (if our own writes on them are still in flight, they stay ours in the store until the next pass)
            leases.release(holder, plan.release(), now);
            Set<Integer> taken = new TreeSet<>();
            for (int shard : plan.take()) {
                leases.take(shard, holder, now).ifPresent(token -> {
                    next.put(shard, token);
                    taken.add(shard);
                });
            }
            held = Map.copyOf(next);
            actUntil = now + ttl.toMillis() - ttl.toMillis() / 5;
            failures.clear("tick");
            report(before, plan, taken, live.size());
            if (++ticks % 30 == 0) {
                leases.forget(now - ttl.toMillis() * 10); // rows of replicas long gone
            }
            if (!taken.isEmpty()) {
                onTaken.run();
            }
        } catch (RuntimeException e) {
            failures.warn(
                    "tick",
                    "controller shards: store unreachable, keeping " + held.size()
                            + " shards until the lease runs out: " + e,
                    null);
        }
    }

    private void report(Map<Integer, Long> before, ShardPlan.Plan plan, Set<Integer> taken, int replicas) {
        Set<Integer> lost = new TreeSet<>(before.keySet());
        lost.removeAll(held.keySet());
        lost.removeAll(plan.release());
        if (!taken.isEmpty() || !plan.release().isEmpty() || !lost.isEmpty()) {
            LOG.info(
                    "controller shards of {} ({}): took {}, gave up {}, lost {}; holds {} of {} ({} live replicas)",
                    nodeName.isEmpty() ? holder : nodeName,
                    holder,
                    taken,
                    plan.release(),
                    lost,
                    held.size(),
                    Shards.COUNT,
                    replicas);
        }
    }

    @Override
    public boolean owns(int shard) {
        return clock.millis() < actUntil && held.containsKey(shard);
    }

    @Override
    public boolean runFenced(int shard, Runnable body) {
        Long token = held.get(shard);
        if (token == null || clock.millis() >= actUntil) {
            return false;
        }
        store.fenced(new Fence(shard, holder, token), () -> {
            body.run();
            return null;
        });
        return true;
    }

    /** How many shards this replica holds now (the {@code ballast.controller.shards} gauge). */
    public int heldCount() {
        return clock.millis() < actUntil ? held.size() : 0;
    }

    public String holder() {
        return holder;
    }

    /** Stops renewing and gives every shard up, so that the other replicas take them at their next pass. */
    @Override
    public void close() {
        Thread t = ticker;
        ticker = null;
        if (t != null) {
            t.interrupt();
        }
        passLock.lock(); // a pass in flight ends first: nothing is taken after the shards are given up
        try {
            closed = true;
            held = Map.of();
            actUntil = 0;
        } finally {
            passLock.unlock();
        }
        try {
            leases.leave(holder, clock.millis());
            LOG.info("controller shards of {} given up on stop", holder);
        } catch (RuntimeException e) {
            LOG.warn(
                    "controller shards: could not give them up on stop; they move when the lease runs out: {}",
                    e.toString());
        }
    }
}
