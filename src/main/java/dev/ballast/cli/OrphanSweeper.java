package dev.ballast.cli;

import dev.ballast.agent.Agent;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Agent#removeOrphans} for a remote agent: at start-up (after the first poll) and then at most
 * every {@link #INTERVAL}, on its own virtual thread, so that stopping orphans within their stop timeouts
 * never holds up the polls that keep the instance connected. One sweep at a time.
 */
final class OrphanSweeper {
    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweeper.class);
    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final Agent agent;
    private final AtomicBoolean running = new AtomicBoolean();
    private long lastStartNanos;
    private boolean started;

    OrphanSweeper(Agent agent) {
        this.agent = agent;
    }

    /** Starts a sweep against {@code assigned} (a snapshot of the last poll) when one is due and none is running. */
    void maybeSweep(Set<String> assigned) {
        long now = System.nanoTime();
        if (started && now - lastStartNanos < INTERVAL.toNanos() || !running.compareAndSet(false, true)) {
            return;
        }
        started = true;
        lastStartNanos = now;
        Thread.ofVirtual().name("agent-orphans").start(() -> {
            try {
                int removed = agent.removeOrphans(assigned);
                if (removed > 0) {
                    LOG.info("agent instance={}: removed {} orphan container(s)", agent.instanceArn(), removed);
                }
            } catch (RuntimeException e) {
                LOG.warn("agent instance={}: orphan sweep failed, trying again later: {}", agent.instanceArn(), e.toString());
            } finally {
                running.set(false);
            }
        });
    }
}
