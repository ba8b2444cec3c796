package dev.ballast.store;

import java.util.Collection;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** Resource tags, keyed by resource ARN. */
public final class Tags {
    /** One tag. */
    public record Tag(String key, String value) {}

    private final Store store;

    Tags(Store store) {
        this.store = store;
    }

    public List<Tag> list(String resourceArn) {
        return store.jdbi().withHandle(h -> list(h, resourceArn));
    }

    static List<Tag> list(Handle h, String resourceArn) {
        return h.createQuery("SELECT tag_key, tag_value FROM tags WHERE resource_arn = :arn ORDER BY tag_key")
                .bind("arn", resourceArn)
                .map((rs, ctx) -> new Tag(rs.getString(1), rs.getString(2)))
                .list();
    }

    /**
     * Adds or overwrites tags, then checks the resource holds at most {@code maxTags}; over the limit
     * nothing is written and false is returned.
     */
    public boolean put(String resourceArn, Collection<Tag> tags, int maxTags) {
        return store.jdbi().inTransaction(h -> {
            upsert(h, resourceArn, tags);
            int count = h.createQuery("SELECT COUNT(*) FROM tags WHERE resource_arn = :arn")
                    .bind("arn", resourceArn)
                    .mapTo(Integer.class)
                    .one();
            if (count > maxTags) {
                h.rollback();
                return false;
            }
            return true;
        });
    }

    /** Gives each of {@code resourceArns} the same tags, in one transaction (the tags of new resources). */
    public void putEach(Collection<String> resourceArns, Collection<Tag> tags) {
        if (resourceArns.isEmpty() || tags.isEmpty()) {
            return;
        }
        store.jdbi().useTransaction(h -> putEach(h, resourceArns, tags));
    }

    /** As {@link #putEach(Collection, Collection)}, in the caller's transaction (tasks get their tags as they are inserted). */
    static void putEach(Handle h, Collection<String> resourceArns, Collection<Tag> tags) {
        if (!tags.isEmpty()) {
            resourceArns.forEach(arn -> upsert(h, arn, tags));
        }
    }

    public void remove(String resourceArn, Collection<String> keys) {
        store.jdbi().useTransaction(h -> {
            PreparedBatch batch = h.prepareBatch("DELETE FROM tags WHERE resource_arn = :arn AND tag_key = :key");
            for (String k : keys) {
                batch.bind("arn", resourceArn).bind("key", k).add();
            }
            if (batch.size() > 0) {
                batch.execute();
            }
        });
    }

    static void replaceAll(Handle h, String resourceArn, Collection<Tag> tags) {
        h.createUpdate("DELETE FROM tags WHERE resource_arn = :arn")
                .bind("arn", resourceArn)
                .execute();
        upsert(h, resourceArn, tags);
    }

    private static void upsert(Handle h, String resourceArn, Collection<Tag> tags) {
        PreparedBatch batch = h.prepareBatch("""
                INSERT INTO tags (resource_arn, tag_key, tag_value) VALUES (:arn, :key, :value)
                ON CONFLICT (resource_arn, tag_key) DO UPDATE SET tag_value = excluded.tag_value
                """);
        for (Tag t : tags) {
            batch.bind("arn", resourceArn)
                    .bind("key", t.key())
                    .bind("value", t.value())
                    .add();
        }
        if (batch.size() > 0) {
            batch.execute();
        }
    }
}
