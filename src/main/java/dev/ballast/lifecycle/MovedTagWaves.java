package dev.ballast.lifecycle;

import dev.ballast.deploy.Deployer;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.ImageLifecyclePolicy;
import dev.ballast.model.MovedTagKind;
import dev.ballast.model.MovedTagOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.RolloutState;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.MovedTagRollouts;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rollouts on a moved tag, a periodic job of the controller runtime (on the holder of shard 0 only, under its fence:
 * the wave is a limit across all services; it reads the store only, never a
 * registry). Each pass ends the open rollouts whose deployment finished, then, for every service whose
 * image-lifecycle policy follows moved tags and whose PRIMARY deployment is behind ({@link MovedTags}), in service
 * order: withdraws approvals of digests that are no longer pending, and starts the rollout once the digest is not
 * halted (a rollout to the same tag and digest failed), has stayed put for the cooldown, is approved when the policy
 * requires it, the wave has room (at most {@code waveSize} open rollouts across services) and the PRIMARY deployment
 * is COMPLETED. {@code autoRedeploy} is {@link Deployer#redeployFrom} the primary the decision was made on; {@code refresh} is {@link Deployer#redeployWith}
 * the primary's record with the {@code disabled} containers launched at the new digest — after the primary's own
 * record was pinned at the digest its tasks ran, so that a circuit-breaker rollback relaunches the old bytes.
 */
public final class MovedTagWaves {
    /** The periodic job's key in the controller runtime. */
    public static final String JOB = "job:moved-tag-rollouts";

    private static final Logger LOG = LoggerFactory.getLogger(MovedTagWaves.class);
    private final Store store;
    private final Deployer deployer;
    private final Clock clock;
    private final int waveSize;
    private final Consumer<String> wake;
    private final MovedTags moves;
    private final MeterRegistry metrics;
    private final AtomicInteger active = new AtomicInteger();

    /**
     * @param waveSize how many services may have a moved-tag deployment in progress at once
     * @param wake     asks for a reconcile of a service soon (its new deployment starts rolling)
     */
    public MovedTagWaves(
            Store store, Deployer deployer, Clock clock, int waveSize, MeterRegistry metrics, Consumer<String> wake) {
        if (waveSize < 1) {
            throw new IllegalArgumentException("rollout wave size must be at least 1, got " + waveSize);
        }
        this.store = store;
        this.deployer = deployer;
        this.clock = clock;
        this.waveSize = waveSize;
        this.metrics = metrics;
        this.wake = wake;
        this.moves = new MovedTags(store);
        Gauge.builder("ballast.moved.tag.rollouts.active", active::get)
                .description("Services (count) with a deployment started by a moved tag still in progress: the wave")
                .register(metrics);
    }

    /** How often the job runs: every reconcile period, but at most once a second. */
    public static Duration period(Duration reconcilePeriod) {
        return reconcilePeriod.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : reconcilePeriod;
    }

    /** One pass; returns how many rollouts it started. */
    public int passOnce() {
        settle();
        List<MovedTagRollouts.Rollout> open = store.movedTagRollouts().open();
        Set<String> rolling =
                open.stream().map(MovedTagRollouts.Rollout::serviceArn).collect(Collectors.toSet());
        int inProgress = open.size();
        int started = 0;
        for (Map.Entry<String, ImageLifecyclePolicy> e :
                store.imagePolicies().all().entrySet()) {
            if (rolling.contains(e.getKey())) {
                continue;
            }
            Optional<MovedTags.Move> move = moves.of(e.getKey(), e.getValue());
            if (move.isEmpty()) {
                continue;
            }
            if (!ready(move.get(), e.getValue(), inProgress)) {
                continue;
            }
            if (start(move.get())) {
                inProgress++;
                started++;
            }
        }
        active.set(inProgress);
        return started;
    }

    /** Services with a moved-tag deployment in progress after the last pass. */
    public int active() {
        return active.get();
    }

    private boolean ready(MovedTags.Move m, ImageLifecyclePolicy policy, int inProgress) {
        String arn = m.service().arn();
        String moved = "(service " + m.service().name() + ") tag " + m.tag() + " moved to " + m.digest();
        withdrawStale(m);
        if (store.movedTagRollouts().failed(m.tag().toString(), m.digest())) {
            event(
                    m,
                    "halted|" + m.tag() + "|" + m.digest(),
                    moved + "; not rolling: a rollout to that digest failed (circuit breaker), the wave stopped"
                            + " until the tag moves again.");
            return false;
        }
        long waitedMillis = clock.millis() - m.changedAt();
        if (waitedMillis < policy.cooldownSeconds() * 1000) {
            event(
                    m,
                    "cooldown|" + m.digest(),
                    moved + "; waiting for the cooldown (" + policy.cooldownSeconds()
                            + " s without another move) before rolling.");
            return false;
        }
        if (policy.requireApproval() && !store.approvals().isApproved(arn, m.digest())) {
            event(
                    m,
                    "approval|" + m.digest(),
                    moved + "; waiting for approval (ballast approve "
                            + m.service().name() + " " + m.digest() + ").");
            return false;
        }
        if (inProgress >= waveSize) {
            event(
                    m,
                    "wave|" + m.digest(),
                    moved + "; waiting for a place in the rollout wave (" + waveSize + " services at once).");
            return false;
        }
        return m.primary().rolloutState().equals(RolloutState.COMPLETED.wire());
    }

    /** A tag that moved again needs a new approval: approvals of other digests are withdrawn, with an event. */
    private void withdrawStale(MovedTags.Move m) {
        String arn = m.service().arn();
        for (String digest : store.approvals().withdrawAllBut(arn, m.digest())) {
            store.events()
                    .add(
                            arn,
                            "(service " + m.service().name() + ") approval of " + digest + " withdrawn: tag " + m.tag()
                                    + " now serves " + m.digest() + ", which needs its own approval.");
        }
    }

    private boolean start(MovedTags.Move m) {
        String why = m.kind().wire() + ": tag " + m.tag() + " moved to " + m.digest();
        Optional<DeploymentRow> created;
        if (m.kind() == MovedTagKind.AUTO_REDEPLOY) {
            // the decision was made on this primary: a user's deployment that came since is not superseded
            created = deployer.redeployFrom(m.service().arn(), m.primary().revisionArn(), why);
        } else {
            if (!pinRollbackTarget(m)) {
                return false; // the revision changed meanwhile: the next pass looks again
            }
            ResolutionRecord record = MovedTags.pinned(
                    m.revision().value().resolution(),
                    m.tag(),
                    m.digest(),
                    clock.millis(),
                    "refreshed: tag " + m.tag() + " moved to " + m.digest());
            created = deployer.redeployWith(m.service().arn(), m.primary().revisionArn(), record, why);
        }
        if (created.isEmpty()) {
            return false;
        }
        store.movedTagRollouts()
                .started(new MovedTagRollouts.Rollout(
                        created.get().id(),
                        m.service().arn(),
                        m.kind(),
                        m.tag().toString(),
                        m.digest(),
                        m.previousDigest(),
                        clock.millis(),
                        null,
                        null));
        store.events()
                .add(
                        m.service().arn(),
                        "(service " + m.service().name() + ") tag " + m.tag() + " moved to " + m.digest()
                                + (m.previousDigest() == null ? "" : " (from " + m.previousDigest() + ")") + ": "
                                + m.kind().wire() + " started deployment "
                                + created.get().id() + ".");
        LOG.info(
                "service {}: {} started deployment {}",
                m.service().name(),
                why,
                created.get().id());
        wake.accept(m.service().arn());
        return true;
    }

    /**
     * Before a refresh, the PRIMARY's own record is pinned at the digest its tasks run (what they observably ran), so
     * that the circuit breaker's rollback — which reuses the last COMPLETED deployment's record — relaunches the old
     * bytes instead of pulling the moved tag again; Holdings then protects that digest as the rollback target's.
     */
    private boolean pinRollbackTarget(MovedTags.Move m) {
        ResolutionRecord record = m.revision().value().resolution();
        if (m.previousDigest() == null || !MovedTags.launchesFromTag(record, m.tag())) {
            return true;
        }
        ResolutionRecord pinned = MovedTags.pinned(
                record,
                m.tag(),
                m.previousDigest(),
                clock.millis(),
                "observed: the digest its tasks ran when tag " + m.tag() + " moved (the rollback target)");
        return store.revisions()
                .update(
                        m.revision().value().withResolution(pinned),
                        m.revision().version());
    }

    /** Ends open rollouts whose deployment completed, failed or was superseded. */
    private void settle() {
        for (MovedTagRollouts.Rollout r : store.movedTagRollouts().open()) {
            Optional<DeploymentRow> d =
                    store.deployments().find(r.deploymentId()).map(Versioned::value);
            MovedTagOutcome outcome;
            if (d.isPresent() && d.get().rolloutState().equals(RolloutState.COMPLETED.wire())) {
                outcome = MovedTagOutcome.COMPLETED;
            } else if (d.isPresent() && d.get().rolloutState().equals(RolloutState.FAILED.wire())) {
                outcome = MovedTagOutcome.FAILED;
            } else if (d.isEmpty() || !d.get().status().equals(DeploymentStatus.PRIMARY.wire())) {
                outcome = MovedTagOutcome.SUPERSEDED;
            } else {
                continue;
            }
            if (!store.movedTagRollouts().finished(r.deploymentId(), outcome, clock.millis())) {
                continue;
            }
            Counter.builder("ballast.moved.tag.rollouts")
                    .description("Rollouts (count) on a moved tag that ended, by kind and outcome")
                    .tag("kind", r.kind().wire())
                    .tag("outcome", outcome.wire())
                    .register(metrics)
                    .increment();
            LOG.info("moved-tag rollout {} of {} to {}: {}", r.deploymentId(), r.serviceArn(), r.digest(), outcome);
            if (outcome == MovedTagOutcome.FAILED) {
                store.events()
                        .add(
                                r.serviceArn(),
                                "(service " + serviceName(r.serviceArn()) + ") "
                                        + r.kind().wire() + " to " + r.tag()
                                        + "@" + r.digest() + " failed (deployment " + r.deploymentId()
                                        + "): the wave of that digest stops.");
            }
        }
    }

    private String serviceName(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }

    private void event(MovedTags.Move m, String key, String message) {
        store.events().addOnce(m.service().arn(), m.service().arn() + "|moved-tag|" + key, message);
    }
}
