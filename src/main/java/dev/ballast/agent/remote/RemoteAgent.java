package dev.ballast.agent.remote;

import dev.ballast.agent.Agent;
import dev.ballast.agent.AgentContainer;
import dev.ballast.agent.AgentTask;
import dev.ballast.agent.ContainerRuntime;
import dev.ballast.agent.OrphanSweeper;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loop of a remote {@code ballast agent} (docs/agent-protocol.md): a {@code PollTasks} long-poll (also the
 * heartbeat), one pass of the {@link Agent} over the polled tasks (its writes are the reports), and the orphan
 * sweep. The command line only wires it.
 */
public final class RemoteAgent {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteAgent.class);

    private final RemoteTasks tasks;
    private final Agent agent;
    private final Semaphore nudge;
    private final Clock clock;
    private final int pollWait;

    /**
     * @param nudge released when a pull finishes (the {@link Agent}'s wake), so a busy agent passes again at once
     * @param pollWait the longest a poll waits for work, seconds (0-20)
     */
    public RemoteAgent(RemoteTasks tasks, Agent agent, Semaphore nudge, Clock clock, int pollWait) {
        this.tasks = tasks;
        this.agent = agent;
        this.nudge = nudge;
        this.clock = clock;
        this.pollWait = pollWait;
    }

    /** How often an agent with running containers checks them for exits, at most (seconds). */
    public static final int WATCH_SECONDS = 2;

    /**
     * Polls and reconciles until {@code stopping} says so (0), or until the server refuses to serve this instance (3,
     * for example after a forced deregistration). Failures to reach the server are retried with backoff (250 ms
     * doubling to 5 s); the containers keep running meanwhile.
     */
    public int run(BooleanSupplier stopping) {
        String arn = agent.instanceArn();
        long backoff = 250;
        OrphanSweeper orphans = new OrphanSweeper(agent, clock);
        while (!stopping.getAsBoolean()) {
            // A long poll returns early only for the server's changes; a container's exit is seen here, so
            // while containers run the agent looks at them at least every WATCH_SECONDS.
            int wait = tasks.busy() ? 0 : tasks.watching() ? Math.min(pollWait, WATCH_SECONDS) : pollWait;
            try {
                tasks.poll(wait);
                agent.reconcileOnce();
                orphans.maybeSweep();
                backoff = 250;
                if (tasks.busy()) {
                    nudge.tryAcquire(200, TimeUnit.MILLISECONDS);
                    nudge.drainPermits();
                }
            } catch (JsonApiClient.Failure f) {
                if (f.status() >= 400 && f.status() < 500) {
                    LOG.error(
                            "agent instance={}: the server refused to serve this instance ({}: {}); exiting",
                            arn,
                            f.type(),
                            f.getMessage());
                    return 3;
                }
                LOG.warn("agent instance={}: poll failed ({}); retrying in {} ms", arn, f.getMessage(), backoff);
                if (!sleep(backoff)) {
                    break;
                }
                backoff = Math.min(5_000, backoff * 2);
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.warn("agent instance={}: pass failed: {}", arn, e.toString(), e);
                if (!sleep(backoff)) {
                    break;
                }
            }
        }
        LOG.info("agent instance={} stopped; its containers keep running and are adopted on the next start", arn);
        return 0;
    }

    /**
     * Stops and removes the running containers of a task the server refused reports for (it no longer assigns
     * the task here), each within its own stop timeout, on a thread of its own so that polling (the heartbeat)
     * goes on. Containers that already exited are kept for inspection, as the orphan sweep keeps them.
     */
    public static void stopContainers(ContainerRuntime runtime, AgentTask task) {
        List<AgentContainer> started =
                task.containers().stream().filter(c -> c.runtimeId() != null).toList();
        if (started.isEmpty()) {
            return;
        }
        Thread.ofVirtual().name("agent-refused-task").start(() -> {
            for (AgentContainer c : started) {
                try {
                    if (runtime.status(c.runtimeId()).isPresent()) {
                        continue; // exited: evidence, not a duplicate
                    }
                    runtime.remove(c.runtimeId());
                } catch (RuntimeException e) {
                    LOG.warn(
                            "agent: could not stop and remove container {} of {}: {}",
                            c.name(),
                            task.arn(),
                            e.toString());
                }
            }
        });
    }

    private static boolean sleep(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
