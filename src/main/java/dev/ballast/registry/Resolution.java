package dev.ballast.registry;

import dev.ballast.image.Digest;
import dev.ballast.image.ImageReference;
import dev.ballast.image.MediaTypes;
import java.util.List;
import java.util.Objects;

/**
 * A reference resolved to the digest of the manifest or index the registry serves for it.
 *
 * @param reference what was resolved
 * @param digest digest of the manifest or index
 * @param mediaType its media type, one of {@link MediaTypes#MANIFESTS}
 * @param platforms the platforms of an index or manifest list; empty for a single manifest
 */
public record Resolution(ImageReference reference, Digest digest, String mediaType, List<Platform> platforms) {

    public Resolution {
        Objects.requireNonNull(reference, "reference");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        platforms = List.copyOf(platforms);
    }

    /** The reference pinned to the resolved digest, {@code repo:tag@sha256:…}. */
    public ImageReference pinned() {
        return reference.withDigest(digest);
    }

    /** True for an OCI index or Docker manifest list. */
    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }
}
