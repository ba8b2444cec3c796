package dev.ballast.registry;

import dev.ballast.image.Digest;
import java.util.Objects;

/**
 * Manifest or index bytes as served by the registry, with the digest they hash to.
 *
 * @param digest sha256 of {@code content}, verified
 * @param mediaType media type from {@code Content-Type} (or the body's {@code mediaType})
 * @param content the exact bytes; the digest covers these, so never re-serialise them
 */
public record Manifest(Digest digest, String mediaType, byte[] content) {

    public Manifest {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
        content = content.clone();
        if (!digest.matches(content)) {
            throw new IllegalArgumentException("manifest content does not hash to " + digest);
        }
    }

    @Override
    public byte[] content() {
        return content.clone();
    }
}
