package dev.ballast.agent.simulated;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.agent.PullFailedException;
import dev.ballast.agent.PullResult;
import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import dev.ballast.registry.Manifest;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One host's image store, by digest, as an engine keeps it: a pinned image already here needs no registry
 * request; a tag needs one manifest request to learn its current digest (as {@code docker pull} does) and
 * nothing more when that digest is here. Concurrent pulls of the same reference share one fetch. For an
 * index, the host's own platform manifest (linux/amd64) is fetched and verified too.
 */
final class LocalImages {

    static final String OS = "linux";
    static final String ARCHITECTURE = "amd64";

    /** What is local for a top-level digest: the manifest the host would run. */
    record LocalImage(Digest digest, Digest platformManifest) {}

    private final ObjectMapper json = new ObjectMapper();
    private final Map<Digest, LocalImage> images = new ConcurrentHashMap<>();
    private final Map<ImageReference, CompletableFuture<PullResult>> inFlight = new ConcurrentHashMap<>();

    boolean contains(String digest) {
        try {
            return images.containsKey(Digest.parse(digest));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    PullResult pull(ImageReference ref, RegistryClient registry) {
        if (ref.digest().isPresent() && images.containsKey(ref.digest().get())) {
            return new PullResult(ref.digest().get(), true);
        }
        CompletableFuture<PullResult> mine = new CompletableFuture<>();
        CompletableFuture<PullResult> running = inFlight.putIfAbsent(ref, mine);
        if (running != null) {
            try {
                return new PullResult(running.join().digest(), true);
            } catch (CompletionException e) {
                throw e.getCause() instanceof PullFailedException p ? p : e;
            }
        }
        try {
            PullResult result = fetch(ref, registry);
            mine.complete(result);
            return result;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(ref, mine);
        }
    }

    /** GET by digest when pinned (verified against it by the client), by tag otherwise. */
    private PullResult fetch(ImageReference ref, RegistryClient registry) {
        Manifest top = get(ref, ref, registry);
        if (images.containsKey(top.digest())) {
            return new PullResult(top.digest(), true);
        }
        Digest platform = top.digest();
        if (MediaTypes.isIndex(top.mediaType())) {
            platform = platformOf(ref, top);
            Manifest child = get(ref, ImageReference.of(ref.registry(), ref.repository(), null, platform), registry);
            if (MediaTypes.isIndex(child.mediaType())) {
                throw new PullFailedException(
                        ref.original(),
                        "INVALID",
                        "index entry " + platform + " for " + OS + "/" + ARCHITECTURE + " is itself an index",
                        null);
            }
        }
        images.put(top.digest(), new LocalImage(top.digest(), platform));
        return new PullResult(top.digest(), false);
    }

    private Digest platformOf(ImageReference ref, Manifest index) {
        try {
            for (JsonNode m : json.readTree(index.content()).path("manifests")) {
                JsonNode p = m.path("platform");
                if (OS.equals(p.path("os").asText())
                        && ARCHITECTURE.equals(p.path("architecture").asText())) {
                    return Digest.parse(m.path("digest").asText());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new PullFailedException(
                    ref.original(), "INVALID", "index " + index.digest() + " is unreadable: " + e.getMessage(), e);
        }
        throw new PullFailedException(
                ref.original(),
                "NO_PLATFORM",
                "no matching manifest for " + OS + "/" + ARCHITECTURE + " in the manifest list entries of "
                        + index.digest(),
                null);
    }

    private static Manifest get(ImageReference image, ImageReference ref, RegistryClient registry) {
        try {
            return registry.manifest(ref);
        } catch (RegistryException e) {
            throw new PullFailedException(image.original(), e.kind().name(), detail(e), e);
        }
    }

    /** The registry's own words first, e.g. {@code manifest unknown (404 MANIFEST_UNKNOWN)}. */
    static String detail(RegistryException e) {
        if (e.registryMessage().isEmpty()) {
            return e.getMessage();
        }
        StringBuilder b = new StringBuilder(e.registryMessage().get()).append(" (");
        e.status().ifPresent(s -> b.append(s).append(e.errorCode().isPresent() ? " " : ""));
        e.errorCode().ifPresent(b::append);
        return b.append(')').toString();
    }
}
