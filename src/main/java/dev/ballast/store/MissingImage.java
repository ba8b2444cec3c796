package dev.ballast.store;

import java.util.Objects;

/**
 * A digest the pinned-image guard (or a registry's delete notification) found gone from its registry: when it
 * was first detected (epoch millis) and how ({@code source}, e.g. {@code guard}, {@code launch-check},
 * {@code notification}).
 */
public record MissingImage(String registry, String repository, String digest, long detectedAt, String source) {
    public MissingImage {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(source, "source");
    }

    /** {@code registry/repository@digest}. */
    public String reference() {
        return registry + "/" + repository + "@" + digest;
    }
}
