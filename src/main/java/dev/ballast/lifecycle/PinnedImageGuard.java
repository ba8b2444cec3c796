package dev.ballast.lifecycle;

import dev.ballast.deploy.Deployer;
import dev.ballast.deploy.LaunchGuard;
import dev.ballast.image.ImageReference;
import dev.ballast.model.HoldingRole;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryException;
import dev.ballast.registry.Resolution;
import dev.ballast.store.DeploymentRow;
import dev.ballast.store.Fence;
import dev.ballast.store.FencedException;
import dev.ballast.store.MissingImage;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Sharding;
import dev.ballast.store.Store;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pinned-image guard: no task launches from a pinned digest unless the digest is known present with an answer at
 * most {@code cacheTtl} old (the resolution that pinned it counts as one), and a periodic {@link #sweep} checks every
 * digest that active deployments and rollback targets hold ({@link Holdings}). A check is a HEAD by digest through
 * {@link RegistryClient#resolve} on a virtual thread of its own (one per digest in flight), never on a reconcile
 * worker: a launch that needs one returns "not yet", and the answer wakes the controllers. A 404 (e.g. {@code
 * MANIFEST_UNKNOWN}) means missing; any other failure is unknown and the last answer stands (none: the launch goes
 * ahead, and the pull tells). A digest in {@code store.missingImages()} (e.g. from a registry's delete notification)
 * counts as missing at once. Missing digests are reported by {@link MissingImageReports}.
 *
 * <p>With several replicas ({@link Sharding}) each sweeps only the digests whose repository ({@code
 * registry/repository}) is in a shard it holds, and records a sweep's answers under that shard's fence; a launch
 * check is asked by the replica launching (the one holding the service), which reads the marks every sweep wrote.
 */
public final class PinnedImageGuard implements LaunchGuard, AutoCloseable {
    /** The periodic job's key on the controller runtime. */
    public static final String JOB = "job:image-guard";
    /** {@code source} of a digest found missing by a sweep, and by a check before a launch. */
    static final String SWEEP = "guard", LAUNCH = "launch-check";

    private static final Logger LOG = LoggerFactory.getLogger(PinnedImageGuard.class);

    /** What the guard knows about a digest. */
    enum Presence {
        PRESENT,
        MISSING,
        /** No answer yet, or the registry did not say (a failure with no earlier answer). */
        UNKNOWN
    }

    /** An answer: presence, when it was known (epoch millis of the clock) and the registry's words. */
    record Answer(Presence presence, long at, String detail) {}

    private final Store store;
    private final Holdings holdings;
    private final RegistryClient registry;
    private final Clock clock;
    private final long ttlMillis;
    private final Predicate<String> maySend;
    private final Runnable wake;
    private final MissingImageReports reports;
    private final Sharding sharding;
    private final Map<Presence, Counter> checks = new EnumMap<>(Presence.class);
    private final Map<DigestKey, Answer> answers = new ConcurrentHashMap<>();
    private final Set<DigestKey> inFlight = ConcurrentHashMap.newKeySet();
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("ballast-guard-", 0).factory());

    /**
     * @param cacheTtl how long an answer is reused before a launch asks the registry again
     * @param maySend the per-registry request budget: false when a request to the registry may not be sent now
     * @param wake called when a check has an answer (queues a resync of the services)
     */
    public PinnedImageGuard(
            Store store,
            RegistryClient registry,
            Deployer deployer,
            Clock clock,
            Duration cacheTtl,
            Predicate<String> maySend,
            Runnable wake,
            MeterRegistry meters) {
        this(store, registry, deployer, clock, cacheTtl, maySend, wake, meters, Sharding.ALL);
    }

    /** As above, sweeping only the digests of the repositories in the shards {@code sharding} holds. */
    public PinnedImageGuard(
            Store store,
            RegistryClient registry,
            Deployer deployer,
            Clock clock,
            Duration cacheTtl,
            Predicate<String> maySend,
            Runnable wake,
            MeterRegistry meters,
            Sharding sharding) {
        this.sharding = sharding;
        this.store = store;
        this.holdings = new Holdings(store);
        this.registry = registry;
        this.clock = clock;
        this.ttlMillis = cacheTtl.toMillis();
        this.maySend = maySend;
        this.wake = wake;
        this.reports = new MissingImageReports(store, deployer, meters);
        for (Presence p : Presence.values()) {
            checks.put(
                    p,
                    Counter.builder("ballast.guard.checks")
                            .tag("outcome", p.name().toLowerCase(Locale.ROOT))
                            .baseUnit("checks")
                            .description("Registry checks of pinned digests by the pinned-image guard, by answer")
                            .register(meters));
        }
    }

    @Override
    public boolean mayLaunch(ServiceRow service, DeploymentRow deployment, RevisionRow revision) {
        Map<DigestKey, List<Holding>> pinned = byDigest(holdings.ofService(service.arn()).stream()
                .filter(h -> h.deploymentId().equals(deployment.id()))
                .toList());
        boolean may = true;
        long now = clock.millis();
        for (Map.Entry<DigestKey, List<Holding>> e : pinned.entrySet()) {
            DigestKey key = e.getKey();
            Long resolvedAt = e.getValue().getFirst().container().resolvedAt();
            Optional<MissingImage> marked = store.missingImages().find(key.registry(), key.repository(), key.digest());
            Answer cached = answers.get(key);
            Answer known = newest(
                    cached,
                    resolvedAt == null
                            ? null
                            : new Answer(Presence.PRESENT, resolvedAt, "present when the deployment pinned it"),
                    marked.map(m -> new Answer(Presence.MISSING, m.detectedAt(), describe(m)))
                            .orElse(null));
            long askedAt = Math.max(
                    known == null ? Long.MIN_VALUE : known.at(), cached == null ? Long.MIN_VALUE : cached.at());
            boolean fresh = askedAt != Long.MIN_VALUE && now - askedAt <= ttlMillis;
            if (known != null && known.presence() == Presence.MISSING) {
                MissingImage m = marked.orElseGet(() -> reports.mark(key, now, LAUNCH));
                reports.report(m, known.detail(), e.getValue());
                if (!fresh) {
                    start(key, List.of(), LAUNCH); // seen again (pushed again) within a TTL of a launch asking
                }
                may = false;
            } else if (!fresh && inFlight.contains(key)) {
                may = false; // a check is in flight (no budget spent): its answer wakes the controllers
            } else if (!fresh && maySend.test(key.registry())) {
                start(key, e.getValue(), LAUNCH);
                may = false; // the answer wakes the controllers
            }
            // else: fresh present or unknown, or the budget says wait: the last answer (or none) stands
        }
        return may;
    }

    /**
     * One sweep (the {@link #JOB} job, on a reconcile worker): for every digest that active deployments and rollback
     * targets hold, starts a check unless an answer is fresh, reports digests known missing, and clears digests
     * seen present since they were marked.
     */
    public void sweep() {
        Map<DigestKey, List<Holding>> pinned = byDigest(holdings.current());
        pinned.keySet().removeIf(k -> !sharding.owns(shardKey(k)));
        long now = clock.millis();
        Map<HoldingRole, Set<DigestKey>> missing = new EnumMap<>(HoldingRole.class);
        for (Map.Entry<DigestKey, List<Holding>> e : pinned.entrySet()) {
            fenced(e.getKey(), () -> sweep(e.getKey(), e.getValue(), now, missing));
        }
        reports.held(missing);
    }

    private void sweep(DigestKey key, List<Holding> holders, long now, Map<HoldingRole, Set<DigestKey>> missing) {
        Answer answer = answers.get(key);
        boolean fresh = answer != null && now - answer.at() <= ttlMillis;
        Optional<MissingImage> marked = store.missingImages().find(key.registry(), key.repository(), key.digest());
        if (marked.isPresent()
                && fresh
                && answer.presence() == Presence.PRESENT
                && answer.at() > marked.get().detectedAt()) {
            reports.present(key);
            marked = Optional.empty();
        }
        if (marked.isPresent()) {
            String why =
                    answer != null && answer.presence() == Presence.MISSING ? answer.detail() : describe(marked.get());
            reports.report(marked.get(), why, holders);
            holders.forEach(
                    h -> missing.computeIfAbsent(h.role(), r -> new HashSet<>()).add(key));
        }
        if (!fresh && !inFlight.contains(key) && maySend.test(key.registry())) {
            start(key, holders, SWEEP);
        }
    }

    private static String shardKey(DigestKey key) {
        return Repositories.key(key.registry(), key.repository());
    }

    /** Runs {@code body} under the fence of the digest's shard (nothing when this replica no longer holds it). */
    private boolean fenced(DigestKey key, Runnable body) {
        try {
            return sharding.runFenced(shardKey(key), body);
        } catch (FencedException e) {
            LOG.info("pinned-image guard {}: stopped, its shard moved: {}", key.reference(), e.getMessage());
            return false;
        }
    }

    /** Runs a launch check's writes under the fence its launch ran under; nothing when that shard has moved. */
    private void fencedLaunchCheck(DigestKey key, Fence fence, Runnable record) {
        try {
            store.fenced(fence, () -> {
                record.run();
                return null;
            });
        } catch (FencedException e) {
            LOG.info(
                    "pinned-image launch check {}: not recorded, its shard moved: {}", key.reference(), e.getMessage());
        }
    }

    /** Digests with a check in flight (for tests). */
    public int inFlight() {
        return inFlight.size();
    }

    /**
     * Starts a check on a virtual thread of its own. The caller's fence (a launch check runs under the service's,
     * a sweep under the repository's shard) is captured here: the fence is per thread, and a launch check's answer
     * is written under the fence of the launch that asked.
     */
    private void start(DigestKey key, List<Holding> holders, String source) {
        if (!inFlight.add(key)) {
            return;
        }
        Optional<Fence> fence = store.currentFence();
        try {
            executor.execute(() -> check(key, holders, source, fence));
        } catch (RejectedExecutionException e) {
            inFlight.remove(key); // closing
        }
    }

    /**
     * One check on its own virtual thread: asks the registry, records the answer, reports, wakes the controllers. A
     * sweep's answer is written under the repository's shard as held now; a launch check's under {@code fence}, the
     * one its launch ran under (none on a lone server), so a replica that lost the service's shard meanwhile writes
     * no mark, report or re-resolution for it.
     */
    private void check(DigestKey key, List<Holding> holders, String source, Optional<Fence> fence) {
        try {
            Answer answer = ask(key);
            checks.get(answer.presence()).increment();
            if (answer.presence() == Presence.UNKNOWN) {
                Answer last = answers.get(key);
                answers.put(
                        key,
                        new Answer(
                                last == null ? Presence.UNKNOWN : last.presence(),
                                answer.at(),
                                last == null ? answer.detail() : last.detail()));
            } else {
                answers.put(key, answer);
            }
            Runnable record = () -> {
                if (answer.presence() == Presence.MISSING) {
                    reports.report(reports.mark(key, answer.at(), source), answer.detail(), holders);
                } else if (answer.presence() == Presence.PRESENT) {
                    reports.present(key);
                }
            };
            if (source.equals(SWEEP)) {
                fenced(key, record); // the sweep's answers are written by the holder of the repository's shard
            } else if (fence.isPresent()) {
                fencedLaunchCheck(key, fence.get(), record); // written by the replica launching the service
            } else {
                record.run(); // a lone server: nobody else writes
            }
        } catch (RuntimeException e) {
            LOG.warn("pinned-image check of {} failed", key.reference(), e);
        } finally {
            inFlight.remove(key);
            wake.run();
        }
    }

    /**
     * HEAD by digest (verified); the first time an index is seen, its children are recorded (a registry fact,
     * written under no fence, as {@link IndexChildrenFetcher} does).
     */
    private Answer ask(DigestKey key) {
        try {
            Resolution r = registry.resolve(ImageReference.parse(key.reference()));
            if (r.isIndex()
                    && store.indexPlatforms()
                            .find(key.registry(), key.repository(), key.digest())
                            .isEmpty()) {
                store.indexPlatforms()
                        .record(key.registry(), key.repository(), key.digest(), IndexChildren.recorded(r.platforms()));
            }
            return new Answer(Presence.PRESENT, clock.millis(), "present");
        } catch (RegistryException e) {
            String said = "registry answered "
                    + e.status().stream()
                            .mapToObj(Integer::toString)
                            .findFirst()
                            .orElse("")
                    + e.errorCode().map(c -> " " + c).orElse("")
                    + e.registryMessage().map(m -> " (" + m + ")").orElse("");
            if (e.kind() == RegistryException.Kind.NOT_FOUND) {
                return new Answer(Presence.MISSING, clock.millis(), said);
            }
            LOG.info(
                    "pinned-image check of {}: no answer ({}); the last answer stands",
                    key.reference(),
                    e.getMessage());
            return new Answer(Presence.UNKNOWN, clock.millis(), e.getMessage());
        }
    }

    private static Map<DigestKey, List<Holding>> byDigest(List<Holding> all) {
        Map<DigestKey, List<Holding>> out = new LinkedHashMap<>();
        for (Holding h : all) {
            if (h.pinned()) {
                out.computeIfAbsent(DigestKey.of(h), k -> new ArrayList<>()).add(h);
            }
        }
        return out;
    }

    /** The newest answer that says present or missing (an unknown answer only tells when the registry was asked). */
    private static Answer newest(Answer... answers) {
        Answer out = null;
        for (Answer a : answers) {
            if (a != null && a.presence() != Presence.UNKNOWN && (out == null || a.at() > out.at())) {
                out = a;
            }
        }
        return out;
    }

    private static String describe(MissingImage m) {
        return switch (m.source()) {
            case "notification" -> "the registry's delete notification";
            default -> "found by the pinned-image guard";
        };
    }

    /** Stops the checks in flight. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
