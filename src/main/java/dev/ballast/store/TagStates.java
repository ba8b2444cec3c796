package dev.ballast.store;

import dev.ballast.model.TagKey;
import dev.ballast.model.TagSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The watched tags' last known digests ({@link TagState}), one row per (registry, repository, tag), written by
 * the tag watcher and by registry notifications, read by drift and moved-tag rollouts.
 */
public final class TagStates {
    private static final String COLUMNS =
            "registry, repository, tag, digest, media_type, etag, changed_at, checked_at, source";
    private final Store store;

    TagStates(Store store) {
        this.store = store;
    }

    /** The tag's last known state. */
    public Optional<TagState> find(TagKey key) {
        return store.jdbi().withHandle(h -> find(h, key));
    }

    /** Every known tag state, ordered by registry, repository and tag. */
    public List<TagState> all() {
        return store.jdbi()
                .withHandle(
                        h -> h.createQuery("SELECT " + COLUMNS + " FROM tag_states ORDER BY registry, repository, tag")
                                .map((rs, ctx) -> row(rs))
                                .list());
    }

    /**
     * What {@link #record} did: whether the state was written ({@code applied}; false when the stored state was
     * observed later, {@code checkedAt} greater, so an older observation never overwrites a newer one) and the state
     * it replaced or that was kept ({@code previous}, null when the tag was unknown).
     */
    public record Recorded(boolean applied, TagState previous) {
        /** Whether the write replaced a known state with another digest (a tag that appeared or vanished counts). */
        public boolean moved(TagState state) {
            return applied && previous != null && state.movedFrom(previous);
        }
    }

    /**
     * Records what the tag points to now, unless the stored state was checked later than {@code state} (then nothing
     * changes: the newer observation stands). When the digest did not change the stored {@code changedAt} is kept
     * (the tag has pointed there since then), whatever {@code state} says.
     */
    public Recorded record(TagState state) {
        return store.jdbi().inTransaction(h -> {
            Optional<TagState> previous = find(h, state.key());
            long changedAt = previous.filter(p -> !state.movedFrom(p))
                    .map(TagState::changedAt)
                    .orElse(state.changedAt());
            int rows = h.createUpdate("INSERT INTO tag_states (" + COLUMNS + ") VALUES (:registry, :repository, :tag,"
                            + " :digest, :mediaType, :etag, :changedAt, :checkedAt, :source)"
                            + " ON CONFLICT (registry, repository, tag) DO UPDATE SET digest = excluded.digest,"
                            + " media_type = excluded.media_type, etag = excluded.etag,"
                            + " changed_at = excluded.changed_at, checked_at = excluded.checked_at,"
                            + " source = excluded.source WHERE tag_states.checked_at <= excluded.checked_at")
                    .bind("registry", state.key().registry())
                    .bind("repository", state.key().repository())
                    .bind("tag", state.key().tag())
                    .bind("digest", state.digest())
                    .bind("mediaType", state.mediaType())
                    .bind("etag", state.etag())
                    .bind("changedAt", changedAt)
                    .bind("checkedAt", state.checkedAt())
                    .bind("source", state.source().wire())
                    .execute();
            return new Recorded(rows == 1, previous.orElse(null));
        });
    }

    /**
     * Notes that the tag was confirmed unchanged at {@code at} (e.g. a 304 answer); false if it is unknown or was
     * checked later than {@code at}.
     */
    public boolean checked(TagKey key, long at) {
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate("UPDATE tag_states SET checked_at = :at"
                                        + " WHERE registry = :registry AND repository = :repository AND tag = :tag"
                                        + " AND checked_at <= :at")
                                .bind("at", at)
                                .bind("registry", key.registry())
                                .bind("repository", key.repository())
                                .bind("tag", key.tag())
                                .execute())
                == 1;
    }

    /** Forgets the tag (nothing references it any more); false if it was unknown. */
    public boolean delete(TagKey key) {
        return store.jdbi()
                        .inTransaction(h -> h.createUpdate("DELETE FROM tag_states"
                                        + " WHERE registry = :registry AND repository = :repository AND tag = :tag")
                                .bind("registry", key.registry())
                                .bind("repository", key.repository())
                                .bind("tag", key.tag())
                                .execute())
                == 1;
    }

    private static Optional<TagState> find(Handle h, TagKey key) {
        return h.createQuery("SELECT " + COLUMNS + " FROM tag_states"
                        + " WHERE registry = :registry AND repository = :repository AND tag = :tag")
                .bind("registry", key.registry())
                .bind("repository", key.repository())
                .bind("tag", key.tag())
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    private static TagState row(ResultSet rs) throws SQLException {
        return new TagState(
                new TagKey(rs.getString(1), rs.getString(2), rs.getString(3)),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                rs.getLong(7),
                rs.getLong(8),
                TagSource.fromWire(rs.getString(9)));
    }
}
