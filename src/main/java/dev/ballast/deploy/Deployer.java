package dev.ballast.deploy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ballast.core.Account;
import dev.ballast.core.CompareAndSet;
import dev.ballast.core.Ids;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.LaunchType;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.RolloutState;
import dev.ballast.model.ServiceDeploymentStatus;
import dev.ballast.model.ServiceStatus;
import dev.ballast.store.Cas;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and ends deployments: a new deployment (with a new service revision whose images are still to
 * be resolved), completion, failure with optional rollback to the last COMPLETED deployment (reusing that
 * revision's recorded digests — no registry request), retirement of drained deployments.
 */
public final class Deployer {
    private static final Logger LOG = LoggerFactory.getLogger(Deployer.class);
    private final Store store;
    private final Account account;
    private final Ids ids;
    private final Clock clock;

    public Deployer(Store store, Account account, Ids ids, Clock clock) {
        this.store = store;
        this.account = account;
        this.ids = ids;
        this.clock = clock;
    }

    /** ECS's circuit-breaker threshold for a desired count: clamp(ceil(0.5 × desired), 3, 200). */
    public static int circuitBreakerThreshold(int desired) {
        return Rollout.circuitBreakerThreshold(desired);
    }

    /** A new revision for the service's current task definition, with resolution pending. */
    public RevisionRow newRevision(ServiceRow service) {
        return new RevisionRow(
                account.serviceRevisionArn(service.cluster(), service.name(), ids.digits19()),
                service.arn(),
                service.clusterArn(),
                service.taskDefinitionArn(),
                clock.millis(),
                ResolutionRecord.pending(),
                // a service on a capacity provider strategy has no launch type (null: not rendered)
                service.spec()
                        .path("launchType")
                        .asText(service.spec().has("capacityProviderStrategy") ? null : LaunchType.EC2.wire()));
    }

    /**
     * A new PRIMARY deployment of {@code revision}; its {@code rolloutStateReason} names it, as ECS's does
     * ("ECS deployment ecs-svc/… in progress.").
     */
    public DeploymentRow newDeployment(
            ServiceRow service, RevisionRow revision, String sourceRevisionArn, String rollbackOf) {
        long now = clock.millis();
        String id = "ecs-svc/" + ids.digits19();
        String reason = rollbackOf == null
                ? "ECS deployment " + id + " in progress."
                : "ECS deployment circuit breaker: rolling back deployment " + rollbackOf + " with deployment " + id
                        + ".";
        LOG.info(
                "deployment {} of service {} created: task definition {}{}",
                id,
                service.name(),
                revision.taskDefinitionArn(),
                rollbackOf == null ? "" : ", rolling back deployment " + rollbackOf);
        return new DeploymentRow(
                id,
                account.serviceDeploymentArn(service.cluster(), service.name(), ids.id22()),
                service.arn(),
                service.clusterArn(),
                revision.arn(),
                revision.taskDefinitionArn(),
                DeploymentStatus.PRIMARY.wire(),
                RolloutState.IN_PROGRESS.wire(),
                reason,
                ServiceDeploymentStatus.IN_PROGRESS.wire(),
                service.desiredCount(),
                0,
                deploymentConfiguration(service),
                sourceRevisionArn,
                rollbackOf,
                now,
                now,
                null);
    }

    /**
     * Starts a new deployment of the service's current task definition whose images are resolved again — what
     * UpdateService with {@code forceNewDeployment} does — for the image lifecycle (a pinned digest gone with the
     * {@code reresolve} policy, a moved tag with {@code autoRedeploy}). {@code why} goes to the log; the caller
     * writes the service event. Empty when the service is not ACTIVE; retried on a concurrent write, then given up
     * (a later pass asks again).
     */
    public Optional<DeploymentRow> redeploy(String serviceArn, String why) {
        return redeploy(serviceArn, null, null, why);
    }

    /**
     * {@link #redeploy(String, String)} made on a decision about the primary revision {@code primaryRevisionArn}: empty
     * (nothing superseded) when the service's primary revision is no longer that one — a user's UpdateService landed
     * after the decision, and its deployment is not to be stopped.
     */
    public Optional<DeploymentRow> redeployFrom(String serviceArn, String primaryRevisionArn, String why) {
        return redeploy(serviceArn, Objects.requireNonNull(primaryRevisionArn, "primaryRevisionArn"), null, why);
    }

    /**
     * Starts a new deployment whose revision takes {@code record} as its resolution record, already resolved — no
     * registry request — for the refresh of {@code disabled} containers on a moved tag (the primary's record with
     * those containers launched at the tag's new digest). Empty when the service is not ACTIVE or its primary
     * revision is no longer {@code primaryRevisionArn} (the record was made from it).
     */
    public Optional<DeploymentRow> redeployWith(
            String serviceArn, String primaryRevisionArn, ResolutionRecord record, String why) {
        return redeploy(serviceArn, primaryRevisionArn, record, why);
    }

    private Optional<DeploymentRow> redeploy(
            String serviceArn, String expectedPrimary, ResolutionRecord record, String why) {
        DeploymentRow[] created = new DeploymentRow[1];
        try {
            Cas.update(
                    () -> store.services().find(serviceArn),
                    s -> s.status().equals(ServiceStatus.ACTIVE.wire()) ? Optional.of(s) : Optional.empty(),
                    (read, same) -> {
                        String source = primaryRevision(serviceArn);
                        if (expectedPrimary != null && !expectedPrimary.equals(source)) {
                            return true; // another deployment came first: nothing created
                        }
                        RevisionRow revision = record == null
                                ? newRevision(same)
                                : newRevision(same).withResolution(record);
                        DeploymentRow deployment = newDeployment(same, revision, source, null);
                        if (!store.services().updateWithDeployment(same, read.version(), revision, deployment)) {
                            return false;
                        }
                        demoteOldPrimaries(serviceArn, revision.arn());
                        created[0] = deployment;
                        return true;
                    },
                    5);
        } catch (CompareAndSet.ConflictException e) {
            LOG.info("redeploy of service {} ({}) lost to concurrent writes; a later pass asks again", serviceArn, why);
            return Optional.empty();
        }
        if (created[0] != null) {
            LOG.info("service {}: new deployment {} ({})", serviceArn, created[0].id(), why);
        }
        return Optional.ofNullable(created[0]);
    }

    /** The revision of the service's PRIMARY deployment, or null when it has none. */
    public String primaryRevision(String serviceArn) {
        return store.deployments().ofService(serviceArn).stream()
                .map(Versioned::value)
                .filter(d -> d.status().equals(DeploymentStatus.PRIMARY.wire()))
                .map(DeploymentRow::revisionArn)
                .findFirst()
                .orElse(null);
    }

    /**
     * Demotes the service's PRIMARY deployments other than the one of {@code newRevisionArn} to ACTIVE (an
     * IN_PROGRESS one is STOPPED), after a new deployment was added.
     */
    public void demoteOldPrimaries(String serviceArn, String newRevisionArn) {
        demote(serviceArn, row -> isOldPrimary(row, newRevisionArn));
    }

    /** Demotes the service's deployments {@code which} selects (PRIMARY ones) to ACTIVE, retrying concurrent writes. */
    private void demote(String serviceArn, Predicate<DeploymentRow> which) {
        for (Versioned<DeploymentRow> d : store.deployments().ofService(serviceArn)) {
            if (!which.test(d.value())) {
                continue;
            }
            try {
                // a controller pass may write the row meanwhile (its steady flag, a failure count): re-read and retry
                Cas.update(
                        () -> store.deployments().find(d.value().id()),
                        row -> which.test(row) ? Optional.of(demoted(row)) : Optional.empty(),
                        (read, row) -> store.deployments().update(row, read.version()),
                        10);
            } catch (CompareAndSet.ConflictException e) {
                LOG.warn(
                        "deployment {} of service {} is still PRIMARY: lost 10 concurrent writes",
                        d.value().id(),
                        serviceArn);
            }
        }
    }

    private static boolean isOldPrimary(DeploymentRow row, String newRevisionArn) {
        return isPrimary(row) && !row.revisionArn().equals(newRevisionArn);
    }

    private static boolean isPrimary(DeploymentRow row) {
        return row.status().equals(DeploymentStatus.PRIMARY.wire());
    }

    private static DeploymentRow demoted(DeploymentRow row) {
        String lifecycle = row.lifecycle().equals(ServiceDeploymentStatus.IN_PROGRESS.wire())
                ? ServiceDeploymentStatus.STOPPED.wire()
                : row.lifecycle();
        return row.with(
                DeploymentStatus.ACTIVE.wire(),
                row.rolloutState(),
                row.rolloutStateReason(),
                lifecycle,
                row.finishedAt());
    }

    static ObjectNode deploymentConfiguration(ServiceRow service) {
        return service.spec().path("deploymentConfiguration").isObject()
                ? (ObjectNode) service.spec().get("deploymentConfiguration").deepCopy()
                : service.spec().objectNode();
    }

    void complete(
            ServiceRow service, DeploymentRow primary, List<Versioned<DeploymentRow>> deployments, Events events) {
        Versioned<DeploymentRow> current =
                store.deployments().find(primary.id()).orElseThrow();
        if (!store.deployments()
                .update(
                        current.value()
                                .with(
                                        DeploymentStatus.PRIMARY.wire(),
                                        RolloutState.COMPLETED.wire(),
                                        "ECS deployment " + primary.id() + " completed.",
                                        ServiceDeploymentStatus.SUCCESSFUL.wire(),
                                        clock.millis())
                                .withSteady(true),
                        current.version())) {
            return;
        }
        LOG.info(
                "deployment {} of service {} completed: {} task(s) running{}",
                primary.id(),
                service.name(),
                service.desiredCount(),
                primary.rollbackOf() == null ? "" : " (rolled back from deployment " + primary.rollbackOf() + ")");
        if (primary.rollbackOf() != null) {
            store.deployments()
                    .find(primary.rollbackOf())
                    .ifPresent(f -> store.deployments()
                            .update(
                                    f.value()
                                            .with(
                                                    f.value().status(),
                                                    f.value().rolloutState(),
                                                    f.value().rolloutStateReason(),
                                                    ServiceDeploymentStatus.ROLLBACK_SUCCESSFUL.wire(),
                                                    f.value().finishedAt()),
                                    f.version()));
        }
        events.add("(service " + service.name() + ") deployment " + primary.id() + " deployment completed.");
        events.add("(service " + service.name() + ") has reached a steady state.");
    }

    /** Older deployments with no tasks left become INACTIVE. */
    void retireOld(DeploymentRow primary, List<Versioned<DeploymentRow>> deployments) {
        for (Versioned<DeploymentRow> d : deployments) {
            if (!d.value().id().equals(primary.id()) && d.value().active()) {
                String lifecycle = d.value().lifecycle().equals(ServiceDeploymentStatus.IN_PROGRESS.wire())
                        ? ServiceDeploymentStatus.STOPPED.wire()
                        : d.value().lifecycle();
                store.deployments()
                        .update(
                                d.value()
                                        .with(
                                                DeploymentStatus.INACTIVE.wire(),
                                                d.value().rolloutState(),
                                                d.value().rolloutStateReason(),
                                                lifecycle,
                                                d.value().finishedAt() == null
                                                        ? clock.millis()
                                                        : d.value().finishedAt()),
                                d.version());
            }
        }
    }

    /** Fails the primary deployment; rolls back to the last COMPLETED deployment when the circuit breaker asks. */
    void fail(
            ServiceRow service,
            Versioned<DeploymentRow> primary,
            List<Versioned<DeploymentRow>> deployments,
            String reason,
            Events events) {
        DeploymentRow d = primary.value();
        boolean rollback = d.configuration().circuitBreaker().rollback();
        Optional<DeploymentRow> target = rollback ? lastCompleted(service, d) : Optional.empty();
        String lifecycle = target.isPresent()
                ? ServiceDeploymentStatus.ROLLBACK_IN_PROGRESS.wire()
                : ServiceDeploymentStatus.STOPPED.wire();
        // ECS names the circuit breaker only when it is the one failing the deployment
        String stateReason = d.configuration().circuitBreaker().enable()
                ? "ECS deployment circuit breaker: " + sentence(reason)
                : "ECS deployment " + d.id() + " failed: " + sentence(reason);
        if (!store.deployments()
                .update(
                        d.with(
                                target.isPresent() ? DeploymentStatus.ACTIVE.wire() : DeploymentStatus.PRIMARY.wire(),
                                RolloutState.FAILED.wire(),
                                stateReason,
                                lifecycle,
                                clock.millis()),
                        primary.version())) {
            return;
        }
        LOG.info(
                "deployment {} of service {} failed: {}{}",
                d.id(),
                service.name(),
                reason,
                target.map(t -> "; rolling back to deployment " + t.id())
                        .orElse(rollback ? "; nothing to roll back to" : ""));
        events.add("(service " + service.name() + ") deployment " + d.id() + " deployment failed: " + reason + ".");
        if (target.isEmpty()) {
            if (rollback) {
                events.add("(service " + service.name() + ") has no completed deployment to roll back to.");
            }
            return;
        }
        Versioned<ServiceRow> current = store.services().find(service.arn()).orElseThrow();
        RollbackPlan plan = planRollback(current.value(), target.get(), d.revisionArn(), d.id());
        for (Versioned<DeploymentRow> other : deployments) {
            if (!other.value().id().equals(d.id()) && other.value().status().equals(DeploymentStatus.PRIMARY.wire())) {
                store.deployments()
                        .update(
                                other.value()
                                        .with(
                                                DeploymentStatus.ACTIVE.wire(),
                                                other.value().rolloutState(),
                                                other.value().rolloutStateReason(),
                                                other.value().lifecycle(),
                                                other.value().finishedAt()),
                                other.version());
            }
        }
        if (store.services().updateWithDeployment(plan.service(), current.version(), null, plan.deployment())) {
            events.add(rollingBack(service.name(), target.get(), plan.revision()) + ".");
        }
    }

    /** A rollback to an earlier deployment: the service pointed at its revision, and the new deployment of it. */
    private record RollbackPlan(RevisionRow revision, ServiceRow service, DeploymentRow deployment) {}

    /**
     * The rollback of {@code current} to {@code target}: a new PRIMARY deployment of the target's revision — its task
     * definition and its recorded image digests, so no registry request — with the service's task definition set to
     * the revision's (the circuit breaker's rollback and {@link #rollBackTo}).
     */
    private RollbackPlan planRollback(
            ServiceRow current, DeploymentRow target, String sourceRevisionArn, String rollbackOf) {
        RevisionRow revision =
                store.revisions().find(target.revisionArn()).orElseThrow().value();
        ServiceRow rolledBack = current.withTaskDefinition(revision.taskDefinitionArn(), current.spec());
        return new RollbackPlan(
                revision, rolledBack, newDeployment(rolledBack, revision, sourceRevisionArn, rollbackOf));
    }

    private static String rollingBack(String service, DeploymentRow target, RevisionRow revision) {
        return "(service " + service + ") rolling back to deployment " + target.id() + " (task definition "
                + revision.taskDefinitionArn() + ", recorded image digests reused)";
    }

    /**
     * The answer to a requested rollback: the PRIMARY deployment of the target's revision and whether this request
     * created it ({@code false}: the service already ran that revision as its PRIMARY deployment — a repeated request).
     */
    public record Rollback(DeploymentRow deployment, boolean created) {}

    /**
     * Rolls the service back to {@code target}, one of its earlier deployments whose revision is resolved, at a user's
     * request (the {@code RollbackService} operation): a new PRIMARY deployment of the target's revision, reusing its
     * task definition and recorded digests like the circuit breaker's rollback, the service's task definition set to
     * it, the other PRIMARY deployments demoted, and the service event naming {@code requester}. Idempotent: when the
     * PRIMARY deployment already runs the target's revision, that deployment is the answer and nothing is written.
     * Empty when the service is not ACTIVE.
     *
     * @throws CompareAndSet.ConflictException when concurrent writes to the service won every attempt
     */
    public Optional<Rollback> rollBackTo(String serviceArn, DeploymentRow target, String requester) {
        Rollback[] done = new Rollback[1];
        RollbackPlan[] plan = new RollbackPlan[1];
        Cas.update(
                () -> store.services().find(serviceArn),
                s -> s.status().equals(ServiceStatus.ACTIVE.wire()) ? Optional.of(s) : Optional.empty(),
                (read, same) -> {
                    Optional<DeploymentRow> primary = store.deployments().ofService(serviceArn).stream()
                            .map(Versioned::value)
                            .filter(d -> d.status().equals(DeploymentStatus.PRIMARY.wire()))
                            .findFirst();
                    if (primary.isPresent() && primary.get().revisionArn().equals(target.revisionArn())) {
                        done[0] = new Rollback(primary.get(), false);
                        return true;
                    }
                    RollbackPlan p = planRollback(
                            same,
                            target,
                            primary.map(DeploymentRow::revisionArn).orElse(null),
                            null);
                    if (!store.services().updateWithDeployment(p.service(), read.version(), null, p.deployment())) {
                        return false;
                    }
                    String newId = p.deployment().id();
                    demote(serviceArn, row -> isPrimary(row) && !row.id().equals(newId));
                    done[0] = new Rollback(p.deployment(), true);
                    plan[0] = p;
                    return true;
                },
                5);
        if (done[0] != null && done[0].created()) {
            store.events()
                    .add(
                            serviceArn,
                            rollingBack(plan[0].service().name(), target, plan[0].revision()) + " at the request of "
                                    + requester + ".");
            LOG.info(
                    "service {}: deployment {} rolls back to deployment {} at the request of {}",
                    serviceArn,
                    done[0].deployment().id(),
                    target.id(),
                    requester);
        }
        return Optional.ofNullable(done[0]);
    }

    private static String sentence(String s) {
        return s.endsWith(".") ? s : s + ".";
    }

    private Optional<DeploymentRow> lastCompleted(ServiceRow service, DeploymentRow failed) {
        return store.deployments().ofService(service.arn()).stream()
                .map(Versioned::value)
                .filter(x -> !x.id().equals(failed.id()) && x.rolloutState().equals(RolloutState.COMPLETED.wire()))
                .findFirst();
    }

    /**
     * A deleted service whose tasks are gone becomes INACTIVE with its deployments; its image-lifecycle policy and
     * approvals go with it.
     */
    void deactivate(Versioned<ServiceRow> service, List<Versioned<DeploymentRow>> deployments) {
        for (Versioned<DeploymentRow> d : deployments) {
            store.deployments()
                    .update(
                            d.value()
                                    .with(
                                            DeploymentStatus.INACTIVE.wire(),
                                            d.value().rolloutState(),
                                            d.value().rolloutStateReason(),
                                            d.value().lifecycle().equals(ServiceDeploymentStatus.IN_PROGRESS.wire())
                                                    ? ServiceDeploymentStatus.STOPPED.wire()
                                                    : d.value().lifecycle(),
                                            clock.millis()),
                            d.version());
        }
        if (store.services().update(service.value().withStatus(ServiceStatus.INACTIVE.wire()), service.version())) {
            // a service recreated with the same name (the same ARN) starts with the default policy and no approvals
            store.imagePolicies().delete(service.value().arn());
            store.approvals().clear(service.value().arn());
        }
    }
}
