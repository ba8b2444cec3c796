package dev.ballast.resolve;

import dev.ballast.image.ImageReference;
import dev.ballast.registry.RegistryClient;
import dev.ballast.registry.RegistryException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Asks the registries about the images an audit names: does the pinned digest or the tag exist, does the
 * registry answer at all. Registries are checked in parallel, the images of one registry one after another, and
 * once a registry does not answer its remaining images are {@link ImageCheck#UNREACHABLE} without another attempt.
 */
public final class ImageChecks {
    private final RegistryClient client;

    public ImageChecks(RegistryClient client) {
        this.client = Objects.requireNonNull(client, "client");
    }

    /** What the registries say about each of {@code images} (as written); images that do not parse are not checked. */
    public Map<String, ImageCheck> check(Collection<String> images) {
        Map<String, List<ImageReference>> byRegistry = new TreeMap<>();
        Map<String, ImageCheck> out = new ConcurrentHashMap<>();
        for (String image : new LinkedHashSet<>(images)) {
            ImageReference ref = ImagePattern.Image.of(image).reference();
            if (ref == null) {
                out.put(image, ImageCheck.NOT_CHECKED);
            } else {
                byRegistry
                        .computeIfAbsent(ref.registry(), r -> new ArrayList<>())
                        .add(ref);
            }
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (List<ImageReference> refs : byRegistry.values()) {
                pool.submit(() -> {
                    boolean reachable = true;
                    for (ImageReference ref : refs) {
                        ImageCheck c = reachable ? check(ref) : ImageCheck.UNREACHABLE;
                        reachable = c != ImageCheck.UNREACHABLE;
                        out.put(ref.original(), c);
                    }
                });
            }
        }
        return Map.copyOf(out);
    }

    /** What the registry says about one image. */
    public ImageCheck check(ImageReference ref) {
        try {
            client.resolve(ref);
            return ImageCheck.PRESENT;
        } catch (RegistryException e) {
            return switch (e.kind()) {
                case NOT_FOUND -> ref.digest().isPresent() ? ImageCheck.DIGEST_MISSING : ImageCheck.TAG_MISSING;
                case UNAVAILABLE -> ImageCheck.UNREACHABLE;
                case UNAUTHORIZED, DENIED, RATE_LIMITED, INVALID, REFUSED -> ImageCheck.UNVERIFIED;
            };
        }
    }
}
