package dev.ballast.resolve;

import dev.ballast.core.SingleFlight;
import dev.ballast.image.ImageReference;
import dev.ballast.image.InvalidReferenceException;
import dev.ballast.model.ContainerDefinition;
import dev.ballast.model.ContainerResolution;
import dev.ballast.model.Mode;
import dev.ballast.model.ResolutionOutcome;
import dev.ballast.model.ResolutionRecord;
import dev.ballast.model.ResolutionState;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryException;
import dev.ballast.registry.RepositoryCredentials;
import dev.ballast.registry.Resolution;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.Store;
import dev.ballast.store.TaskDefinitionRecord;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the images of a service revision (DESIGN.md, "When and how resolution happens").
 *
 * <p>The first {@link #step} decides every container's mode with the {@link PolicyEvaluator} (inputs read
 * then, so policy changes apply at the next deployment only) and records it with the deciding layer. Each
 * step then makes one attempt for the containers still pending: {@code disabled} ones are {@code skipped}
 * (no registry request, the image as written); an image with a digest is {@code verified} by a HEAD by
 * digest; a tag is {@code resolved} to its top-level manifest or index digest and launched as
 * {@code repo:tag@sha256:…}. Each unique reference is asked once per step, in parallel, and answers are
 * shared through a {@link SingleFlight}: concurrent steps share the request in flight, and a successful answer
 * serves every resolution of that reference for {@link ResolveSettings#coalesceWindow()} after it arrived
 * (failures are never shared beyond the request in flight).
 *
 * <p>Failed attempts are retried by later steps after an exponential backoff ({@code nextAttemptAt}). A
 * consistent container that fails {@code strictAttempts} times fails the record; a best-effort one falls back
 * to its tag after {@code bestEffortAttempts} failures, or fails the record when the circuit breaker is on.
 * The resolver writes nothing: the caller stores the returned record (compare-and-set on the revision).
 */
public final class RevisionResolver {

    /** One step's result: the record to store, and the service events to append (oldest first). */
    public record Step(ResolutionRecord record, List<String> events) {
        public Step {
            Objects.requireNonNull(record, "record");
            events = List.copyOf(events);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RevisionResolver.class);

    private final RegistryClient registry;
    private final Clock clock;
    private final ResolveSettings settings;
    private final PolicyEvaluator policy;
    private final PolicyLoader inputs;
    private final SingleFlight<Key, Resolution> shared;
    private final RepositoryCredentials repositoryCredentials;

    /** One registry question: a reference, asked anonymously (server credentials) or with a container's own. */
    private record Key(ImageReference ref, String credentialsParameter) {}

    public RevisionResolver(Store store, RegistryClient registry, Clock clock, ResolveSettings settings) {
        this(store, registry, clock, settings, ManagedCatalog.builtIn());
    }

    public RevisionResolver(
            Store store, RegistryClient registry, Clock clock, ResolveSettings settings, ManagedCatalog catalog) {
        this(store, registry, clock, settings, catalog, RepositoryCredentials.none());
    }

    /**
     * @param repositoryCredentials where containers' {@code repositoryCredentials.credentialsParameter} are
     *                              looked up; such a container's registry is asked with that credential
     */
    public RevisionResolver(
            Store store,
            RegistryClient registry,
            Clock clock,
            ResolveSettings settings,
            ManagedCatalog catalog,
            RepositoryCredentials repositoryCredentials) {
        this.repositoryCredentials = Objects.requireNonNull(repositoryCredentials, "repositoryCredentials");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.policy = new PolicyEvaluator(catalog);
        this.inputs = new PolicyLoader(store);
        this.shared = SingleFlight.keeping(settings.coalesceWindow(), clock);
    }

    /**
     * One step of progress on {@code revision}'s resolution record, with events worded for its service.
     * A RESOLVED or FAILED record, or a PENDING one before its {@code nextAttemptAt}, comes back unchanged
     * with no events.
     */
    public Step step(RevisionRow revision, TaskDefinitionRecord td, String clusterArn, boolean circuitBreakerEnabled) {
        return step(
                revision.resolution(),
                td,
                clusterArn,
                circuitBreakerEnabled,
                EventSubject.service(revision.serviceArn()),
                Instant.ofEpochMilli(revision.createdAt()));
    }

    /** {@link #step(RevisionRow, TaskDefinitionRecord, String, boolean)} on a bare record, events about {@code subject}. */
    public Step step(
            ResolutionRecord current,
            TaskDefinitionRecord td,
            String clusterArn,
            boolean circuitBreakerEnabled,
            EventSubject subject) {
        return step(current, td, clusterArn, circuitBreakerEnabled, subject, Instant.MIN);
    }

    /**
     * As above, sharing only registry answers requested at or after {@code notBefore} (the deployment's
     * creation): a tag moved before a deployment was created is always seen by it.
     */
    public Step step(
            ResolutionRecord current,
            TaskDefinitionRecord td,
            String clusterArn,
            boolean circuitBreakerEnabled,
            EventSubject subject,
            Instant notBefore) {
        long now = clock.millis();
        if (current != null && current.state() != ResolutionState.PENDING) {
            return new Step(current, List.of());
        }
        if (current != null && current.nextAttemptAt() != null && now < current.nextAttemptAt()) {
            return new Step(current, List.of());
        }
        List<String> events = new ArrayList<>();
        List<ContainerResolution> containers =
                current == null || current.containers().isEmpty()
                        ? plan(td, clusterArn, now, subject, events)
                        : current.containers();
        int attempts = current == null ? 0 : current.attempts();
        ResolutionAttempt.Limits limits = new ResolutionAttempt.Limits(
                settings.strictAttempts(), settings.bestEffortAttempts(), circuitBreakerEnabled);
        return attempt(containers, credentialsParameters(td), attempts, limits, subject, events, notBefore);
    }

    /**
     * Resolves every container of {@code td} once, synchronously, for a standalone RunTask call: all tasks of
     * the call share the result. There is one attempt per container (the registry client's own transport
     * retries included, no backoff here): a best-effort container that fails falls back to its tag at once;
     * a consistent one that fails throws.
     *
     * @throws ResolutionFailedException naming the container, the image and the registry's reason
     */
    public ResolutionRecord resolveNow(TaskDefinitionRecord td, String clusterArn) {
        return resolveNow(td, clusterArn, EventSubject.taskRun(null)).record();
    }

    /** {@link #resolveNow(TaskDefinitionRecord, String)} with the events, worded for {@code subject}. */
    public Step resolveNow(TaskDefinitionRecord td, String clusterArn, EventSubject subject) {
        List<String> events = new ArrayList<>();
        List<ContainerResolution> containers = plan(td, clusterArn, clock.millis(), subject, events);
        Step step = attempt(
                containers,
                credentialsParameters(td),
                0,
                new ResolutionAttempt.Limits(1, 1, false),
                subject,
                events,
                clock.instant());
        if (step.record().state() == ResolutionState.FAILED) {
            throw new ResolutionFailedException(step.record().failure(), step.record(), step.events());
        }
        return step;
    }

    /** The policy decisions for {@code td}'s containers on {@code clusterArn} (null: account only), in order. */
    public Map<String, Decision> explain(TaskDefinitionRecord td, String clusterArn) {
        PolicyInputs in = inputs.load(clusterArn);
        Map<String, Decision> out = new LinkedHashMap<>();
        for (ContainerDefinition c : td.definition().containers()) {
            out.put(c.name(), policy.decide(c.versionConsistency(), c.image(), in));
        }
        return out;
    }

    private Step attempt(
            List<ContainerResolution> containers,
            Map<String, String> parameters,
            int attemptsSoFar,
            ResolutionAttempt.Limits limits,
            EventSubject subject,
            List<String> earlier,
            Instant notBefore) {
        List<ContainerResolution> pending = containers.stream()
                .filter(c -> c.resolutionMode() == ResolutionOutcome.PENDING)
                .toList();
        int attempt = pending.isEmpty() ? attemptsSoFar : attemptsSoFar + 1;
        Map<String, Lookup> answers = lookUp(pending, parameters, notBefore);
        Step step = ResolutionAttempt.apply(containers, answers, attempt, limits, settings, clock.millis(), subject);
        List<String> events = new ArrayList<>(earlier);
        events.addAll(step.events());
        return new Step(step.record(), events);
    }

    /** First step: decide each container's mode; disabled containers are settled at once. */
    private List<ContainerResolution> plan(
            TaskDefinitionRecord td, String clusterArn, long now, EventSubject subject, List<String> events) {
        PolicyInputs in = inputs.load(clusterArn);
        List<ContainerResolution> out = new ArrayList<>();
        for (ContainerDefinition c : td.definition().containers()) {
            String name = c.name();
            String image = c.image();
            Decision d = policy.decide(c.versionConsistency(), image, in);
            ContainerResolution r = new ContainerResolution(
                    name, image, d.mode(), d.layer(), d.rule(), ResolutionOutcome.PENDING, null, null, null, null);
            if (d.mode() == Mode.DISABLED) {
                r = ResolutionAttempt.with(r, ResolutionOutcome.SKIPPED, writtenDigest(image), image, now, null);
                events.add(ResolutionEvents.skipped(subject, r)
                        + (d.note() == null
                                ? ""
                                : " " + Character.toUpperCase(d.note().charAt(0))
                                        + d.note().substring(1) + "."));
            }
            out.add(r);
        }
        return out;
    }

    /**
     * One answer per pending container (by name); one registry request per unique canonical reference and
     * credentials parameter, in parallel.
     */
    private Map<String, Lookup> lookUp(
            List<ContainerResolution> pending, Map<String, String> parameters, Instant notBefore) {
        Map<String, Key> refs = new LinkedHashMap<>();
        Map<String, Lookup> answers = new LinkedHashMap<>();
        for (ContainerResolution c : pending) {
            String parameter = parameters.get(c.containerName());
            ImageReference ref;
            try {
                ref = ImageReference.parse(c.image());
            } catch (InvalidReferenceException e) {
                answers.put(c.containerName(), new Lookup.Failed("invalid image reference: " + e.getMessage()));
                continue;
            }
            Optional<String> problem =
                    parameter == null ? Optional.empty() : repositoryCredentials.problem(parameter, ref.registry());
            if (problem.isPresent()) {
                answers.put(c.containerName(), new Lookup.Failed(problem.get()));
                continue;
            }
            refs.put(c.containerName(), new Key(ref, parameter));
        }
        List<Key> unique = new ArrayList<>(new LinkedHashSet<>(refs.values()));
        Map<Key, Lookup> byRef = new LinkedHashMap<>();
        if (unique.size() == 1) {
            byRef.put(unique.getFirst(), fetch(unique.getFirst(), notBefore));
        } else if (unique.size() > 1) {
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<Lookup>> futures = unique.stream()
                        .map(r -> pool.submit(() -> fetch(r, notBefore)))
                        .toList();
                for (int i = 0; i < unique.size(); i++) {
                    byRef.put(unique.get(i), join(futures.get(i)));
                }
            }
        }
        refs.forEach((name, key) -> answers.put(name, byRef.get(key)));
        return answers;
    }

    /**
     * The registry's answer for one key. Every failure is a {@link Lookup.Failed} (counted against the attempt
     * limit, worded in an event); anything other than a {@link RegistryException} is a defect, logged here.
     */
    private Lookup fetch(Key key, Instant notBefore) {
        ImageReference ref = key.ref();
        try {
            RegistryClient client = key.credentialsParameter() == null
                    ? registry
                    : registry.withCredential(repositoryCredentials
                            .lookup(key.credentialsParameter(), ref.registry())
                            .orElseThrow());
            Resolution r = shared.run(key, notBefore, () -> client.resolve(ref));
            if (ref.digest().isPresent() && !ref.digest().get().equals(r.digest())) {
                return new Lookup.Failed("registry answered digest " + r.digest() + " for "
                        + ref.digest().get());
            }
            return new Lookup.Found(new Resolution(ref, r.digest(), r.mediaType(), r.platforms()));
        } catch (RegistryException e) {
            return new Lookup.Failed(reason(ref, e), e.retryAt().orElse(null));
        } catch (RuntimeException e) {
            LOG.warn("resolve {}: unexpected failure: {}", ref, e.toString());
            return new Lookup.Failed("registry " + ref.registry()
                    + " could not be asked (an internal error; the server " + "log has details)");
        }
    }

    /** The registry's answer without the "resolve REF: " action prefix, which the events already say. */
    static String reason(ImageReference ref, RegistryException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = "resolve " + ref + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    private static Lookup join(Future<Lookup> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Lookup.Failed("interrupted while resolving");
        } catch (ExecutionException e) {
            LOG.warn("resolution failed unexpectedly: {}", String.valueOf(e.getCause()));
            return new Lookup.Failed("the registry could not be asked (an internal error; the server log has details)");
        }
    }

    private static String writtenDigest(String image) {
        try {
            return ImageReference.parse(image).digest().map(Object::toString).orElse(null);
        } catch (InvalidReferenceException e) {
            return null;
        }
    }

    /** Container name → its {@code repositoryCredentials.credentialsParameter}, for containers that have one. */
    private static Map<String, String> credentialsParameters(TaskDefinitionRecord td) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ContainerDefinition c : td.definition().containers()) {
            String p = c.credentialsParameter();
            if (p != null && !p.isEmpty()) {
                out.put(c.name(), p);
            }
        }
        return out;
    }
}
