package dev.ballast.lifecycle;

import java.util.Objects;

/** One pinned image: a canonical registry host, a repository path and a manifest or index digest. */
public record DigestKey(String registry, String repository, String digest) {
    public DigestKey {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(digest, "digest");
    }

    /** The key of a pinned holding. */
    static DigestKey of(Holding h) {
        return new DigestKey(h.image().registry(), h.image().repository(), h.digest());
    }

    /** {@code registry/repository@digest}, what a keep-list line and a pull by digest name. */
    public String reference() {
        return registry + "/" + repository + "@" + digest;
    }
}
