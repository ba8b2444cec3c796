package dev.ballast.lifecycle;

import dev.ballast.deploy.Deployer;
import dev.ballast.model.DeploymentStatus;
import dev.ballast.model.HoldingRole;
import dev.ballast.model.MissingImageAction;
import dev.ballast.model.Mode;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.MissingImage;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the pinned-image guard does about a digest gone from its registry, per holding: a service event naming
 * service, container, tag (the image as written) and digest with the registry's answer, written once per
 * detection ({@code addOnce}); for the primary deployment the service's {@code onMissingImage} policy — {@code fail}
 * (nothing launches; the event says how to recover) or {@code reresolve} (one new deployment per revision holding the
 * digest and detection, {@link Deployer#redeploy}, recorded in the service's events; a {@code disabled} container, e.g.
 * one a moved-tag refresh pinned, always takes this path: it can launch from its tag); for a rollback target an event
 * naming the risk. Keeps the {@code ballast_missing_images{role}} gauge.
 */
final class MissingImageReports {
    private static final Logger LOG = LoggerFactory.getLogger(MissingImageReports.class);

    private static final String POLICY = "policy onMissingImage " + MissingImageAction.RERESOLVE.wire();

    private final Store store;
    private final Deployer deployer;
    private final Map<HoldingRole, Set<DigestKey>> missingHeld = new ConcurrentHashMap<>();

    MissingImageReports(Store store, Deployer deployer, MeterRegistry meters) {
        this.store = store;
        this.deployer = deployer;
        for (HoldingRole role : HoldingRole.values()) {
            Set<DigestKey> held = ConcurrentHashMap.newKeySet();
            missingHeld.put(role, held);
            Gauge.builder("ballast.missing.images", held, Set::size)
                    .tag("role", role.wire())
                    .baseUnit("images")
                    .description("Pinned digests that services hold (by role) and the guard knows missing from their"
                            + " registries")
                    .register(meters);
        }
    }

    /** Marks {@code key} missing (keeping an earlier detection) and returns the stored record. */
    MissingImage mark(DigestKey key, long at, String source) {
        MissingImage m = new MissingImage(key.registry(), key.repository(), key.digest(), at, source);
        if (store.missingImages().mark(m)) {
            LOG.warn("pinned image {} is missing from its registry ({})", key.reference(), source);
        }
        return store.missingImages()
                .find(key.registry(), key.repository(), key.digest())
                .orElse(m);
    }

    /** The digest was seen present: forgets that it was missing. */
    void present(DigestKey key) {
        if (store.missingImages().clear(key.registry(), key.repository(), key.digest())) {
            LOG.info("pinned image {} is present in its registry again", key.reference());
        }
        missingHeld.values().forEach(s -> s.remove(key));
    }

    /** The gauge's sets become exactly {@code missing} (after a sweep over every holding). */
    void held(Map<HoldingRole, Set<DigestKey>> missing) {
        for (HoldingRole role : HoldingRole.values()) {
            Set<DigestKey> now = missing.getOrDefault(role, Set.of());
            missingHeld.get(role).retainAll(now);
            missingHeld.get(role).addAll(now);
        }
    }

    /** Reports {@code missing} (why: {@code answer}) to each holding of it and applies the services' policies. */
    void report(MissingImage missing, String answer, Collection<Holding> holders) {
        for (Holding h : holders) {
            DigestKey key = DigestKey.of(h);
            missingHeld.get(h.role()).add(key);
            String what = "image " + h.container().image() + " (container "
                    + h.container().containerName() + ", tag "
                    + (h.tag() == null ? "none" : h.tag().tag()) + ") pinned to " + h.digest()
                    + " is missing from its registry (" + answer + ")";
            String once = h.serviceArn() + "|guard|" + h.deploymentId() + "|"
                    + h.container().containerName() + "|" + h.digest() + "|" + missing.detectedAt();
            String service = "(service " + h.serviceName() + ") ";
            if (h.role() == HoldingRole.ROLLBACK_TARGET) {
                store.events()
                        .addOnce(
                                h.serviceArn(),
                                once,
                                service + "rollback to deployment " + h.deploymentId() + " would fail: " + what + ".");
                continue;
            }
            Optional<DeploymentRow> deployment =
                    store.deployments().find(h.deploymentId()).map(Versioned::value);
            boolean primary = deployment
                    .map(d -> DeploymentStatus.fromWire(d.status()) == DeploymentStatus.PRIMARY)
                    .orElse(false);
            if (!primary) {
                store.events()
                        .addOnce(
                                h.serviceArn(),
                                once,
                                service + "deployment " + h.deploymentId() + " (being replaced): " + what + ".");
                continue;
            }
            if (h.container().mode() == Mode.DISABLED) {
                // e.g. recorded by a moved-tag refresh: a disabled container can launch from its tag as written
                if (reresolve(
                        h,
                        missing,
                        service,
                        what,
                        "container " + h.container().containerName() + " is " + Mode.DISABLED.wire()
                                + " and launches from its tag")) {
                    continue;
                }
            } else if (store.imagePolicies().policy(h.serviceArn()).onMissingImage() == MissingImageAction.RERESOLVE
                    && reresolve(h, missing, service, what, POLICY)) {
                continue;
            }
            store.events()
                    .addOnce(
                            h.serviceArn(),
                            once,
                            service + "cannot launch: " + what + "; push it again, or UpdateService "
                                    + "--force-new-deployment to resolve the tag again.");
        }
    }

    /**
     * The {@code reresolve} path ({@code why}: the policy, or a disabled container): one new deployment per revision
     * holding the digest and detection (the event key is the lock, so a second reporter of the same detection, or a
     * circuit breaker's rollback to the same revision, does nothing). A container whose resolution is newer
     * than the detection (the tag was resolved again and still names the digest) is not re-resolved again: it is
     * reported as under {@code fail}, so a tag that keeps naming a gone digest, or is gone too, never loops. False
     * when the {@code fail} event should be written instead.
     */
    private boolean reresolve(Holding h, MissingImage missing, String service, String what, String why) {
        Long resolvedAt = h.container().resolvedAt();
        if (resolvedAt != null && resolvedAt > missing.detectedAt()) {
            return false;
        }
        // keyed by revision, not deployment: a circuit breaker's rollback reuses the revision in a new deployment
        String lock =
                h.serviceArn() + "|guard-reresolve|" + h.revisionArn() + "|" + h.digest() + "|" + missing.detectedAt();
        if (!store.events()
                .addOnce(
                        h.serviceArn(),
                        lock,
                        service + what + ": a new deployment resolves the tag again (" + why + ").")) {
            return true; // this detection was handled already
        }
        Optional<DeploymentRow> created = deployer.redeploy(
                h.serviceArn(),
                "pinned digest " + h.digest() + " of container " + h.container().containerName() + " is gone; " + why);
        created.ifPresent(d -> store.events()
                .add(
                        h.serviceArn(),
                        service + "started deployment " + d.id() + " to resolve its images again: " + h.digest()
                                + " (container " + h.container().containerName() + ") is gone from its registry"
                                + " (" + why + ")."));
        return true;
    }
}
