package dev.ballast.agent;

import dev.ballast.image.Digest;
import java.util.Objects;

/**
 * What a pull produced.
 *
 * @param digest the digest the runtime fetched: the pinned digest (verified) for a pinned launch image,
 *     the digest of the manifest or index the registry served for a tag
 * @param cached true when the image content came from the local image cache rather than the registry
 */
public record PullResult(Digest digest, boolean cached) {
    public PullResult {
        Objects.requireNonNull(digest, "digest");
    }
}
