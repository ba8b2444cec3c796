package dev.ballast.registry;

import dev.ballast.image.Digest;
import dev.ballast.image.MediaTypes;
import java.util.Objects;
import java.util.Optional;

/**
 * What a HEAD of a tag told ({@link RegistryClient#headTag}): the digest and media type of the manifest or index
 * the tag points to, the registry's {@code ETag} for it, and whether the registry answered {@code 304 Not
 * Modified} to the {@code If-None-Match} sent with a previous answer's ETag (then the digest and media type are
 * the previous answer's, which the registry confirmed unchanged).
 *
 * @param digest digest of the manifest or index
 * @param mediaType its media type, one of {@link MediaTypes#MANIFESTS}
 * @param etag the registry's entity tag for it, as sent (quotes included); null when it sent none
 * @param notModified true when the registry answered 304 to {@code If-None-Match}
 */
public record TagHead(Digest digest, String mediaType, String etag, boolean notModified) {

    public TagHead {
        Objects.requireNonNull(digest, "digest");
        Objects.requireNonNull(mediaType, "mediaType");
    }

    /** The ETag, if the registry sent one. */
    public Optional<String> etagValue() {
        return Optional.ofNullable(etag);
    }

    /** True for an OCI index or Docker manifest list. */
    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }
}
