package dev.ballast.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The task steps an {@link Agent} runs off its pass: stopping a task's containers, which waits out each
 * container's {@code stopTimeout} (up to 120 s in ECS). Each runs on a virtual thread of its own, so a slow stop
 * never holds up other tasks' steps, the next pass, or the instance's heartbeat. At most one per task (the
 * agent's claim on the task is held until the step ends). At most {@link #MAX_CONCURRENT} run at once: each
 * holds an engine connection for its whole stop, and a mass stop must not take every connection from the
 * passes' other engine calls; the rest wait their turn (still claimed, so no pass steps them meanwhile).
 */
final class BackgroundSteps {
    /** Background steps running at once; below the Docker runtime's connection pool (64). */
    static final int MAX_CONCURRENT = 32;

    private final Map<String, Thread> running = new ConcurrentHashMap<>();
    private final Semaphore slots = new Semaphore(MAX_CONCURRENT);

    /** Runs {@code step} of {@code taskArn} on its own thread, then {@code done}. */
    void start(String taskArn, Runnable step, Runnable done) {
        Thread t = Thread.ofVirtual().name("agent-stop").unstarted(() -> {
            boolean acquired = false;
            try {
                slots.acquire();
                acquired = true;
                step.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // shutting down: the next pass (or restart) steps the task again
            } finally {
                if (acquired) {
                    slots.release();
                }
                running.remove(taskArn);
                done.run();
            }
        });
        running.put(taskArn, t);
        t.start();
    }

    /** How many steps run now. */
    int size() {
        return running.size();
    }

    /** Waits until the steps running now have ended; false when some still run after {@code timeout}. */
    boolean await(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : running.values()) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                return running.isEmpty();
            }
        }
        return true;
    }
}
