package dev.ballast.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.core.SingleFlight;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Client for registries speaking the OCI distribution spec
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md), in three layers: the
 * {@code /v2/} challenge, authentication (Basic, bearer tokens), and the operations here.
 *
 * <p>{@link #resolve} turns a tag into the digest of the manifest or index the registry serves;
 * concurrent resolutions of the same reference share one request. Failures are
 * {@link RegistryException}s classified by {@link RegistryException.Kind}. Metrics:
 * {@code ballast_registry_requests_total{registry,method,outcome}} and
 * {@code ballast_registry_resolve_seconds{registry,outcome}}, whose {@code registry} label is bounded
 * (configured registries and the first {@code metricRegistryLimit} others seen; the rest are {@code other}).
 * Thread-safe; make one per process.
 */
public final class RegistryClient {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryClient.class);

    private final MeterRegistry meters;
    private final ManifestOperations manifests;
    private final BlobOperations blobs;
    private final SingleFlight<ImageReference, Resolution> resolutions = SingleFlight.inFlightOnly();
    private final RegistryConfig config;
    private final HttpClient http;
    private final Predicate<String> realmHostAllowed;
    private final RegistryLabels labels;
    private final Map<Credential, RegistryClient> withCredentials = new ConcurrentHashMap<>();
    private final RequestBudget budget;

    /** A client with its own {@link HttpClient} built from the config's connect timeout. */
    public RegistryClient(RegistryConfig config, MeterRegistry meters) {
        this(
                config,
                meters,
                HttpClient.newBuilder()
                        .connectTimeout(config.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build());
    }

    /**
     * A client with its own {@link HttpClient}, whose background users ask {@link #budget()} (built from
     * {@code budgets}) before each request.
     */
    public RegistryClient(RegistryConfig config, MeterRegistry meters, BudgetSettings budgets) {
        this(config, meters, budgets, config.clock());
    }

    /** As above, the budget going by {@code budgetClock} (the server's clock, by which its background users run). */
    public RegistryClient(RegistryConfig config, MeterRegistry meters, BudgetSettings budgets, Clock budgetClock) {
        this(
                config,
                meters,
                HttpClient.newBuilder()
                        .connectTimeout(config.connectTimeout())
                        .followRedirects(HttpClient.Redirect.NEVER)
                        .version(HttpClient.Version.HTTP_1_1)
                        .build(),
                realmHostCheck(config),
                new RegistryLabels(config.insecureRegistries(), config.metricRegistryLimit()),
                new RequestBudget(budgets, budgetClock, config, meters));
    }

    /** A client on a given {@link HttpClient}, which must not follow redirects itself. */
    public RegistryClient(RegistryConfig config, MeterRegistry meters, HttpClient http) {
        this(config, meters, http, BudgetSettings.defaults());
    }

    /** As above, with the request budget built from {@code budgets}. */
    public RegistryClient(RegistryConfig config, MeterRegistry meters, HttpClient http, BudgetSettings budgets) {
        this(
                config,
                meters,
                http,
                realmHostCheck(config),
                new RegistryLabels(config.insecureRegistries(), config.metricRegistryLimit()),
                new RequestBudget(budgets, config, meters));
    }

    /** As below, with the default request budget (tests). */
    RegistryClient(
            RegistryConfig config,
            MeterRegistry meters,
            HttpClient http,
            Predicate<String> realmHostAllowed,
            RegistryLabels labels) {
        this(
                config,
                meters,
                http,
                realmHostAllowed,
                labels,
                new RequestBudget(BudgetSettings.defaults(), config, meters));
    }

    /**
     * As above with an explicit token-realm host check (tests), and the metric labels and request budget shared
     * with siblings.
     */
    RegistryClient(
            RegistryConfig config,
            MeterRegistry meters,
            HttpClient http,
            Predicate<String> realmHostAllowed,
            RegistryLabels labels,
            RequestBudget budget) {
        this.budget = Objects.requireNonNull(budget, "budget");
        this.config = Objects.requireNonNull(config, "config");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.http = Objects.requireNonNull(http, "http");
        this.realmHostAllowed = Objects.requireNonNull(realmHostAllowed, "realmHostAllowed");
        this.labels = Objects.requireNonNull(labels, "labels");
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the HttpClient must use Redirect.NEVER: redirects are followed by "
                    + "the registry client so that Authorization never reaches another host");
        }
        ObjectMapper json = new ObjectMapper();
        Authenticator auth =
                new Authenticator(new Transport(http, config, meters, labels, budget), config, json, realmHostAllowed);
        this.manifests = new ManifestOperations(auth, json);
        this.blobs = new BlobOperations(auth, json);
    }

    /**
     * Which token-realm {@code host[:port]} may be contacted: any but link-local and metadata addresses
     * ({@link RegistryAccess#targetRefusal}). The allow-list names registries, not their token services, so a
     * realm need not be in it (docs/decisions.md).
     */
    static Predicate<String> realmHostCheck(RegistryConfig config) {
        return host -> config.access().targetRefusal(host).isEmpty();
    }

    /**
     * A client that authenticates to every registry as {@code credential} (a task container's
     * {@code repositoryCredentials}), with this client's other settings. Clients are kept per credential, so
     * their challenges and tokens are never shared with other identities.
     */
    public RegistryClient withCredential(Credential credential) {
        Objects.requireNonNull(credential, "credential");
        return withCredentials.computeIfAbsent(
                credential,
                c -> new RegistryClient(
                        config.withCredentials(registry -> Optional.of(c)),
                        meters,
                        http,
                        realmHostAllowed,
                        labels,
                        budget));
    }

    /**
     * Resolves {@code ref} to the digest and media type of its manifest or index (with the platforms of
     * an index). A reference with a digest is verified against the registry.
     *
     * @throws RegistryException NOT_FOUND for an unknown tag or digest; see {@link RegistryException.Kind}
     */
    public Resolution resolve(ImageReference ref) {
        permit("resolve", ref);
        Timer.Sample sample = Timer.start(meters);
        String outcome = "SUCCESS";
        try {
            return resolutions.run(ref, () -> guarded("resolve", ref, () -> manifests.resolve(ref)));
        } catch (RegistryException e) {
            outcome = e.kind().name();
            throw e;
        } finally {
            sample.stop(Timer.builder("ballast.registry.resolve")
                    .description("Time to resolve an image reference to a digest")
                    .tag("registry", labels.of(ref.registry()))
                    .tag("outcome", outcome)
                    .register(meters));
        }
    }

    /**
     * The request budget of background users ({@link RequestBudget#tryAcquire} before each request they send).
     * This client's own requests do not take from it, but any 429 they meet closes it.
     */
    public RequestBudget budget() {
        return budget;
    }

    /**
     * HEAD of {@code ref}'s tag, nothing else: the digest, media type and ETag the registry answers, with
     * {@code If-None-Match} when {@code previous} (the last answer for the same tag, or null) has an ETag — a
     * {@code 304 Not Modified} returns {@code previous} marked {@link TagHead#notModified()}. Sent once: a 429 is
     * RATE_LIMITED at once (and closes {@link #budget()}), never waited out here. Does not take from the budget;
     * the caller asks it first.
     *
     * @throws RegistryException NOT_FOUND when the registry has no such tag or repository (404); INVALID when a
     *     200 lacks {@code Docker-Content-Digest} or a manifest media type; see {@link RegistryException.Kind}
     * @throws IllegalArgumentException when {@code ref} has no tag or has a digest
     */
    public TagHead headTag(ImageReference ref, TagHead previous) {
        permit("head", ref);
        return guarded("head", ref, () -> manifests.head(ref, previous));
    }

    /**
     * The children of the index {@code ref} pins by digest (one GET by digest, verified), each with its platform
     * ({@link Platform#name()} is {@code os/architecture[/variant]}); empty for a single manifest.
     */
    public List<Platform> indexPlatforms(ImageReference ref) {
        if (ref.digest().isEmpty()) {
            throw new IllegalArgumentException("index platforms of " + ref + ": needs a digest");
        }
        permit("get index", ref);
        return guarded("get index", ref, () -> manifests.platforms("get index " + ref, manifests.get(ref)));
    }

    /** The manifest or index bytes for {@code ref}, verified against their digest. */
    public Manifest manifest(ImageReference ref) {
        permit("manifest", ref);
        return guarded("get manifest", ref, () -> manifests.get(ref));
    }

    /**
     * The registry boundary: whatever else goes wrong while talking to a registry (an answer the code did not
     * foresee) becomes an INVALID {@link RegistryException}, so callers see one failure type that counts
     * toward their attempt limits. The detail goes to the log, once, without a stack trace.
     */
    private static <T> T guarded(String action, ImageReference ref, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RegistryException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.warn("{} {}: unexpected failure: {}", action, ref, e.toString());
            LOG.debug("{} {}: unexpected failure", action, ref, e);
            throw new RegistryException(
                    RegistryException.Kind.INVALID,
                    action + " " + ref + ": the exchange with registry " + ref.registry()
                            + " failed unexpectedly (the server log has details)",
                    0,
                    null,
                    null,
                    e);
        }
    }

    /** Pushes a manifest under {@code ref}'s tag (or digest); returns its digest. */
    public Digest pushManifest(ImageReference ref, String mediaType, byte[] content) {
        permit("push manifest", ref);
        return manifests.put(ref, mediaType, content);
    }

    /** Deletes the manifest {@code ref} pins by digest, which untags every tag pointing to it. */
    public void deleteManifest(ImageReference ref) {
        permit("delete manifest", ref);
        manifests.delete(ref);
    }

    /** All tags of {@code ref}'s repository. */
    public List<String> tags(ImageReference ref) {
        permit("list tags", ref);
        return blobs.tags(ref, 1000);
    }

    /** All tags of {@code ref}'s repository, fetched in pages of {@code pageSize}. */
    public List<String> tags(ImageReference ref, int pageSize) {
        permit("list tags", ref);
        return blobs.tags(ref, pageSize);
    }

    /** True when {@code ref}'s repository holds the blob. */
    public boolean blobExists(ImageReference ref, Digest digest) {
        permit("blob exists", ref);
        return blobs.exists(ref, digest);
    }

    /** The blob's bytes, verified against {@code digest}. */
    public byte[] blob(ImageReference ref, Digest digest) {
        permit("get blob", ref);
        return blobs.get(ref, digest);
    }

    /** Uploads a blob to {@code ref}'s repository (monolithic POST + PUT) unless present; returns its digest. */
    public Digest pushBlob(ImageReference ref, byte[] content) {
        permit("push blob", ref);
        return blobs.push(ref, content);
    }

    /** The registry access rule this client enforces before any request (ping, token, manifest, blob). */
    public RegistryAccess access() {
        return config.access();
    }

    /**
     * Refuses an operation on a registry {@link RegistryAccess} does not permit, before anything is sent: no
     * {@code /v2/} ping, no token request, no manifest or blob request.
     */
    private void permit(String action, ImageReference ref) {
        config.access().refusal(ref.registry()).ifPresent(why -> {
            throw RegistryException.of(RegistryException.Kind.REFUSED, action + " " + ref + ": " + why);
        });
    }

    /** Callers inside {@link #resolve} right now, running or waiting on a shared request (for tests). */
    int resolveCallers() {
        return resolutions.callers();
    }
}
