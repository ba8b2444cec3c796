package dev.ballast.registry;

import dev.ballast.image.Digest;
import java.util.Objects;

/**
 * One entry of an image index / manifest list: the platform it runs on and the manifest it points to
 * (OCI image spec, image-index.md, {@code manifests[].platform}).
 *
 * @param os operating system, e.g. {@code linux}
 * @param architecture CPU architecture, e.g. {@code arm64}
 * @param variant CPU variant such as {@code v8}, or empty
 * @param digest digest of the platform's manifest
 * @param mediaType media type of the platform's manifest
 */
public record Platform(String os, String architecture, String variant, Digest digest, String mediaType) {

    public Platform {
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(variant, "variant");
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
    }

    /** {@code os/architecture[/variant]}, as Docker writes platforms. */
    public String name() {
        return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
    }
}
