package dev.ballast.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/** Digests found missing from their registries ({@link MissingImage}), until they are seen again. */
public final class MissingImages {
    private static final String COLUMNS = "registry, repository, digest, detected_at, source";
    private final Store store;

    MissingImages(Store store) {
        this.store = store;
    }

    /** Records the digest as missing; true if it was not already recorded (the first detection is kept). */
    public boolean mark(MissingImage m) {
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate("INSERT INTO missing_images (" + COLUMNS
                                        + ") VALUES (:registry, :repository, :digest, :at, :source)"
                                        + " ON CONFLICT (registry, repository, digest) DO NOTHING")
                                .bind("registry", m.registry())
                                .bind("repository", m.repository())
                                .bind("digest", m.digest())
                                .bind("at", m.detectedAt())
                                .bind("source", m.source())
                                .execute())
                == 1;
    }

    /** Forgets the digest (it was found present again); false if it was not recorded. */
    public boolean clear(String registry, String repository, String digest) {
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate(
                                        "DELETE FROM missing_images"
                                                + " WHERE registry = :registry AND repository = :repository AND digest = :digest")
                                .bind("registry", registry)
                                .bind("repository", repository)
                                .bind("digest", digest)
                                .execute())
                == 1;
    }

    /** The record of the digest, if it is known missing. */
    public Optional<MissingImage> find(String registry, String repository, String digest) {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM missing_images"
                                + " WHERE registry = :registry AND repository = :repository AND digest = :digest")
                        .bind("registry", registry)
                        .bind("repository", repository)
                        .bind("digest", digest)
                        .map((rs, ctx) -> row(rs))
                        .findOne());
    }

    /** Every digest known missing, oldest detection first. */
    public List<MissingImage> all() {
        return store.jdbi()
                .withHandle(h -> h.createQuery("SELECT " + COLUMNS
                                + " FROM missing_images ORDER BY detected_at, registry, repository, digest")
                        .map((rs, ctx) -> row(rs))
                        .list());
    }

    private static MissingImage row(ResultSet rs) throws SQLException {
        return new MissingImage(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5));
    }
}
