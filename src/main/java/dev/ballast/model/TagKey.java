package dev.ballast.model;

import java.util.Objects;

/**
 * One watched tag: a canonical registry host (with port), a repository path and a tag, e.g.
 * {@code docker.io/library/nginx:1.27}. Every service referencing the tag shares one key, so the tag watcher
 * makes one request per key, never one per service.
 */
public record TagKey(String registry, String repository, String tag) {
    public TagKey {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
    }

    /** {@code registry/repository:tag}. */
    @Override
    public String toString() {
        return registry + "/" + repository + ":" + tag;
    }
}
