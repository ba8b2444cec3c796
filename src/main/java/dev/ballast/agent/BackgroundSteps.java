package dev.ballast.agent;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The task steps an {@link Agent} runs off its pass: stopping a task's containers, which waits out each
 * container's {@code stopTimeout} (up to 120 s in ECS). Each runs on a virtual thread of its own, so a slow stop
 * never holds up other tasks' steps, the next pass, or the instance's heartbeat. At most one per task (the
 * agent's claim on the task is held until the step ends).
 */
final class BackgroundSteps {
    private final Map<String, Thread> running = new ConcurrentHashMap<>();

    /** Runs {@code step} of {@code taskArn} on its own thread, then {@code done}. */
    void start(String taskArn, Runnable step, Runnable done) {
        Thread t = Thread.ofVirtual().name("agent-stop").unstarted(() -> {
            try {
                step.run();
            } finally {
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
