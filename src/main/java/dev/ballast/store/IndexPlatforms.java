package dev.ballast.store;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The children of image indexes, by index digest: platform ({@code os/architecture[/variant]}) → manifest digest.
 * An index digest names immutable content, so an entry is written once and never changes.
 */
public final class IndexPlatforms {
    private static final TypeReference<TreeMap<String, String>> PLATFORMS = new TypeReference<>() {};
    private final Store store;

    IndexPlatforms(Store store) {
        this.store = store;
    }

    /** The index's children by platform, if recorded. */
    public Optional<Map<String, String>> find(String registry, String repository, String indexDigest) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT platforms FROM index_platforms"
                                + " WHERE registry = :registry AND repository = :repository AND index_digest = :d")
                        .bind("registry", registry)
                        .bind("repository", repository)
                        .bind("d", indexDigest)
                        .mapTo(String.class)
                        .findOne())
                .map(json -> Map.copyOf(StoreJson.read(json, PLATFORMS, "index platforms")));
    }

    /** Records the index's children; a second record of the same index changes nothing. */
    public void record(String registry, String repository, String indexDigest, Map<String, String> platforms) {
        String json = StoreJson.write(new TreeMap<>(platforms), "index platforms");
        store.jdbi()
                .useTransaction(h -> h.createUpdate("INSERT INTO index_platforms (registry, repository, index_digest,"
                                + " platforms) VALUES (:registry, :repository, :d, :p)"
                                + " ON CONFLICT (registry, repository, index_digest) DO NOTHING")
                        .bind("registry", registry)
                        .bind("repository", repository)
                        .bind("d", indexDigest)
                        .bind("p", json)
                        .execute());
    }
}
