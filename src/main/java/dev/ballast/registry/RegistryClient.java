package dev.ballast.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.http.HttpClient;
import java.util.List;
import java.util.Objects;

/**
 * Client for registries speaking the OCI distribution spec
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md), in three layers: the
 * {@code /v2/} challenge, authentication (Basic, bearer tokens), and the operations here.
 *
 * <p>{@link #resolve} turns a tag into the digest of the manifest or index the registry serves;
 * concurrent resolutions of the same reference share one request. Failures are
 * {@link RegistryException}s classified by {@link RegistryException.Kind}. Metrics:
 * {@code ballast_registry_requests_total{registry,method,outcome}} and
 * {@code ballast_registry_resolve_seconds{registry,outcome}}. Thread-safe; make one per process.
 */
public final class RegistryClient {

    private final MeterRegistry meters;
    private final ManifestOperations manifests;
    private final BlobOperations blobs;
    private final InFlight<ImageReference, Resolution> resolutions = new InFlight<>();
    private final RegistryConfig config;
    private final java.util.Map<Credential, RegistryClient> withCredentials = new java.util.concurrent.ConcurrentHashMap<>();

    /** A client with its own {@link HttpClient} built from the config's connect timeout. */
    public RegistryClient(RegistryConfig config, MeterRegistry meters) {
        this(config, meters, HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build());
    }

    /** A client on a given {@link HttpClient}, which must not follow redirects itself. */
    public RegistryClient(RegistryConfig config, MeterRegistry meters, HttpClient http) {
        this.config = Objects.requireNonNull(config, "config");
        this.meters = Objects.requireNonNull(meters, "meters");
        if (http.followRedirects() != HttpClient.Redirect.NEVER) {
            throw new IllegalArgumentException("the HttpClient must use Redirect.NEVER: redirects are followed by "
                    + "the registry client so that Authorization never reaches another host");
        }
        ObjectMapper json = new ObjectMapper();
        Authenticator auth = new Authenticator(new Transport(http, config, meters), config, json);
        this.manifests = new ManifestOperations(auth, json);
        this.blobs = new BlobOperations(auth, json);
    }

    /**
     * A client that authenticates to every registry as {@code credential} (a task container's
     * {@code repositoryCredentials}), with this client's other settings. Clients are kept per credential, so
     * their challenges and tokens are never shared with other identities.
     */
    public RegistryClient withCredential(Credential credential) {
        Objects.requireNonNull(credential, "credential");
        return withCredentials.computeIfAbsent(credential,
                c -> new RegistryClient(config.withCredentials(registry -> java.util.Optional.of(c)), meters));
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
            return resolutions.run(ref, () -> manifests.resolve(ref));
        } catch (RegistryException e) {
            outcome = e.kind().name();
            throw e;
        } finally {
            sample.stop(Timer.builder("ballast.registry.resolve")
                    .description("Time to resolve an image reference to a digest")
                    .tag("registry", ref.registry())
                    .tag("outcome", outcome)
                    .register(meters));
        }
    }

    /** The manifest or index bytes for {@code ref}, verified against their digest. */
    public Manifest manifest(ImageReference ref) {
        permit("manifest", ref);
        return manifests.get(ref);
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
