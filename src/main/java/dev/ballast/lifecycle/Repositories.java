package dev.ballast.lifecycle;

/**
 * The shard key of an image repository ({@code registry/repository}): the tag watch and the pinned-image guard divide
 * their registry requests between replicas by it, so that one replica asks a registry about one repository (one token
 * scope) and no tag or digest is asked about by two.
 */
final class Repositories {
    private Repositories() {}

    /** {@code registry/repository}, the key {@code Shards.of} divides. */
    static String key(String registry, String repository) {
        return registry + "/" + repository;
    }
}
