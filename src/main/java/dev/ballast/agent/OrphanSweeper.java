package dev.ballast.agent;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Agent#removeOrphans()} for an agent, remote or embedded: at start-up (the first call) and then at
 * most every {@link #INTERVAL}, on its own virtual thread, so that stopping orphans within their stop timeouts
 * never holds up the passes or the heartbeat that keep the instance connected. One sweep at a time. Orphans
 * are the running containers of tasks the server no longer assigns to the instance: tasks stopped by the server
 * while the agent was away (partitioned, or a server that was down) and replaced elsewhere.
 */
public final class OrphanSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);
    /** The least time between the starts of two sweeps. */
    public static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Agent agent;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private long lastStartMillis;
    private boolean started;

    /** @param clock when a sweep is due is read from it (tests move it by hand) */
    public OrphanSweeper(Agent agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
    }

    /** Starts a sweep when one is due (by the clock) and none is running; true when it started one. */
    public boolean maybeSweep() {
        long now = clock.millis();
        if (started && now - lastStartMillis < INTERVAL.toMillis() || !running.compareAndSet(false, true)) {
            return false;
        }
        started = true;
        lastStartMillis = now;
        Thread.ofVirtual().name("agent-orphans").start(() -> {
            try {
                int removed = agent.removeOrphans();
                if (removed > 0) {
                    LOG.info("agent instance={}: removed {} orphan container(s)", agent.instanceArn(), removed);
                }
            } catch (RuntimeException e) {
                LOG.warn(
                        "agent instance={}: orphan sweep failed, trying again later: {}",
                        agent.instanceArn(),
                        e.toString());
            } finally {
                running.set(false);
            }
        });
        return true;
    }
}
