package dev.ballast.deploy;

import dev.ballast.model.ResolutionRecord;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.TaskDefinitionRecord;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ResolutionStep} that runs each revision's resolution attempt (registry I/O) on a virtual thread of its
 * own, so that a registry that throttles or never answers holds up only the revisions whose images it serves, never
 * the reconciler thread and the other services.
 *
 * <p>At most one attempt per revision ARN is in flight. A controller pass that finds it still running gets the
 * stored record back unchanged and moves on; the attempt wakes the reconcilers when it has produced a new record,
 * and the next pass returns that outcome, which the controller stores with its usual compare-and-set. An outcome
 * is handed out only if the revision's stored record is still the one the attempt started from; otherwise (the
 * record moved on meanwhile) it is dropped and a new attempt starts. Nothing here is durable: an attempt lost
 * with the process is simply made again by the next leader's pass, as the record is still {@code PENDING}.
 * Revisions whose record waits out a backoff ({@code nextAttemptAt}) start no thread.
 *
 * <p>An attempt's thread has no shard fence (fences are per thread) and needs none: the attempt only reads (policies)
 * and asks registries; the controller pass that claims its outcome stores it under the service's fence.
 */
public final class BackgroundResolution implements ResolutionStep, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackgroundResolution.class);
    /** An outcome no pass has asked for within this long (its deployment was superseded) is forgotten. */
    static final long FORGET_AFTER_MILLIS = 10 * 60_000;

    private final ResolutionStep attempt;
    private final Clock clock;
    private final Runnable completed;
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ballast-resolve-", 0).factory());
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

    /** One attempt: the record it started from, its outcome, and when it finished (0 while running). */
    private static final class InFlight {
        final ResolutionRecord base;
        final CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        volatile long doneAt;

        InFlight(ResolutionRecord base) {
            this.base = base;
        }
    }

    /**
     * @param attempt the blocking step (one resolution attempt, see {@code RevisionResolver.step})
     * @param clock decides whether a record's backoff is over and when unclaimed outcomes are forgotten
     * @param completed called when an attempt produced a new record (wakes the reconcilers)
     */
    public BackgroundResolution(ResolutionStep attempt, Clock clock, Runnable completed) {
        this.attempt = attempt;
        this.clock = clock;
        this.completed = completed;
    }

    @Override
    public Outcome step(
            RevisionRow revision, TaskDefinitionRecord td, String clusterArn, boolean circuitBreakerEnabled) {
        ResolutionRecord current = revision.resolution();
        String arn = revision.arn();
        forgetUnclaimed();
        InFlight running = inFlight.get(arn);
        if (running != null) {
            if (!running.outcome.isDone()) {
                return unchanged(current);
            }
            inFlight.remove(arn, running);
            Outcome outcome = running.outcome.isCompletedExceptionally() ? null : running.outcome.join();
            if (outcome != null && Objects.equals(running.base, current)) {
                return outcome;
            }
            if (outcome == null) {
                return unchanged(current); // failed (logged): the next pass tries again
            }
        }
        if (current != null && current.nextAttemptAt() != null && clock.millis() < current.nextAttemptAt()) {
            return unchanged(current);
        }
        InFlight started = new InFlight(current);
        if (inFlight.putIfAbsent(arn, started) != null) {
            return unchanged(current);
        }
        try {
            executor.execute(() -> run(started, revision, td, clusterArn, circuitBreakerEnabled));
        } catch (RejectedExecutionException e) {
            inFlight.remove(arn, started); // closing
        }
        return unchanged(current);
    }

    private void run(
            InFlight started,
            RevisionRow revision,
            TaskDefinitionRecord td,
            String clusterArn,
            boolean circuitBreakerEnabled) {
        try {
            Outcome outcome = attempt.step(revision, td, clusterArn, circuitBreakerEnabled);
            started.doneAt = clock.millis();
            started.outcome.complete(outcome);
            if (!outcome.record().equals(started.base)) {
                completed.run();
            }
        } catch (RuntimeException | Error e) {
            started.doneAt = clock.millis();
            started.outcome.completeExceptionally(e);
            if (executor.isShutdown()) {
                LOG.debug("resolution attempt for revision {} ended by shutdown", revision.arn(), e);
            } else {
                LOG.warn("resolution attempt for revision {} failed; retrying on a later pass", revision.arn(), e);
            }
        }
    }

    /** Revisions with an attempt in flight or an outcome not yet claimed (for tests and metrics). */
    public int inFlight() {
        return inFlight.size();
    }

    private void forgetUnclaimed() {
        long now = clock.millis();
        inFlight.entrySet().removeIf(e -> e.getValue().doneAt != 0 && now - e.getValue().doneAt > FORGET_AFTER_MILLIS);
    }

    private static Outcome unchanged(ResolutionRecord current) {
        return new Outcome(current, List.of());
    }

    /** Stops waiting for attempts in flight (interrupting their requests); their revisions stay PENDING. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
