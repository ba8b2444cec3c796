package dev.ballast.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Query;

/**
 * A table of JSON documents with a primary key, a {@code version} for optimistic concurrency and
 * copies of the fields that queries filter on. Controllers read a row, compute the next state and
 * write it back only if nobody else changed it meanwhile.
 *
 * @param <T> the record stored in the {@code doc} column
 */
final class DocTable<T> {
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .defaultPropertyInclusion(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
            .build();

    private final Store store;
    private final String table;
    private final String key;
    private final Class<T> type;
    private final Function<T, Map<String, Object>> columns;
    private final Cache<String, Versioned<T>> parsed;
    /** What a written row changed, published on {@link Store#changes()}; none by default. */
    private Function<T, List<Change>> changes = v -> List.of();

    /**
     * @param columns the indexed columns of a record (besides {@code doc}, {@code version} and
     *                {@code updated_at}), including the key column
     */
    DocTable(Store store, String table, String key, Class<T> type, Function<T, Map<String, Object>> columns) {
        this(store, table, key, type, columns, 0);
    }

    /**
     * As above, keeping up to {@code cachedDocs} parsed documents by key and version, so that a row read
     * again at the same version is not parsed again. Only for tables whose keys are never reused after a
     * delete (task ARNs carry a random id): a (key, version) pair then names one document forever, on
     * every replica, so the cache needs no invalidation.
     */
    DocTable(
            Store store,
            String table,
            String key,
            Class<T> type,
            Function<T, Map<String, Object>> columns,
            int cachedDocs) {
        this.store = store;
        this.table = table;
        this.key = key;
        this.type = type;
        this.columns = columns;
        this.parsed =
                cachedDocs > 0 ? Caffeine.newBuilder().maximumSize(cachedDocs).build() : null;
    }

    /** Publishes {@code keys} of every row inserted or written from now on (once its transaction commits). */
    DocTable<T> publishing(Function<T, List<Change>> keys) {
        this.changes = keys;
        return this;
    }

    private void published(Handle h, List<T> values) {
        List<Change> keys = new ArrayList<>();
        for (T v : values) {
            keys.addAll(changes.apply(v));
        }
        store.changes().publish(h, keys);
    }

    Optional<Versioned<T>> find(String id) {
        return store.jdbi().withHandle(h -> find(h, id));
    }

    Optional<Versioned<T>> find(Handle h, String id) {
        return h.createQuery("SELECT " + key + ", version, doc FROM " + table + " WHERE " + key + " = :id")
                .bind("id", id)
                .map((rs, ctx) -> row(rs))
                .findOne();
    }

    /** Rows matching a WHERE clause over the indexed columns, in the given order. */
    List<Versioned<T>> where(String condition, Map<String, Object> binds, String orderBy, int limit) {
        return store.jdbi().withHandle(h -> where(h, condition, binds, orderBy, limit));
    }

    /** As {@link #where(String, Map, String, int)}, on {@code h} (inside its transaction). */
    /** Rows fetched at a time by {@link #where(Handle, String, Map, String, int)} inside a transaction. */
    static final int FETCH_SIZE = 512;

    List<Versioned<T>> where(Handle h, String condition, Map<String, Object> binds, String orderBy, int limit) {
        Query q = h.createQuery("SELECT " + key + ", version, doc FROM " + table + " WHERE " + condition
                + (orderBy == null ? "" : " ORDER BY " + orderBy) + " LIMIT :limit");
        binds.forEach(q::bind);
        // inside a transaction PostgreSQL's driver then streams the rows (a cursor) instead of holding every raw row
        // of a large answer (a cluster's live tasks at placement) next to the parsed ones
        q.setFetchSize(FETCH_SIZE);
        return q.bind("limit", limit).map((rs, ctx) -> row(rs)).list();
    }

    /** The rows with the given keys, in one query (in key order). */
    List<Versioned<T>> whereIn(Handle h, List<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return h.createQuery("SELECT " + key + ", version, doc FROM " + table + " WHERE " + key
                        + " IN (<ids>) ORDER BY " + key)
                .bindList("ids", ids)
                .map((rs, ctx) -> row(rs))
                .list();
    }

    /** The row at the cursor of a {@code SELECT key, version, doc}: parsed, or from the cache at that version. */
    private Versioned<T> row(ResultSet rs) throws SQLException {
        long version = rs.getLong(2);
        if (parsed == null) {
            return new Versioned<>(read(rs.getString(3)), version);
        }
        String id = rs.getString(1);
        Versioned<T> known = parsed.getIfPresent(id);
        if (known != null && known.version() == version) {
            return known; // the doc column is never read
        }
        Versioned<T> fresh = new Versioned<>(read(rs.getString(3)), version);
        remember(id, fresh);
        return fresh;
    }

    /** Tells the cache that {@code value} was committed at {@code version}. */
    private void committed(T value, long version) {
        if (parsed != null) {
            remember(columns.apply(value).get(key), new Versioned<>(value, version));
        }
    }

    private void remember(Object id, Versioned<T> row) {
        if (parsed != null) {
            parsed.asMap().merge(String.valueOf(id), row, (old, now) -> now.version() >= old.version() ? now : old);
        }
    }

    int count(String condition, Map<String, Object> binds) {
        return store.jdbi().withHandle(h -> {
            Query q = h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE " + condition);
            binds.forEach(q::bind);
            return q.mapTo(Integer.class).one();
        });
    }

    void insert(Handle h, T value) {
        Map<String, Object> cols = insertColumns(value, store.now());
        var update = h.createUpdate(insertSql(cols));
        cols.forEach(update::bind);
        update.execute();
        published(h, List.of(value));
    }

    /** The columns a new row of {@code value} is inserted with, at version 1. */
    private Map<String, Object> insertColumns(T value, long now) {
        Map<String, Object> cols = new LinkedHashMap<>(columns.apply(value));
        cols.put("doc", write(value));
        cols.put("version", 1L);
        cols.put("updated_at", now);
        cols.putIfAbsent("created_at", now);
        return cols;
    }

    /** {@code INSERT INTO table (a, b) VALUES (:a, :b)} for the columns of {@code cols}. */
    private String insertSql(Map<String, Object> cols) {
        return "INSERT INTO " + table + " (" + String.join(", ", cols.keySet()) + ") VALUES ("
                + String.join(", ", cols.keySet().stream().map(n -> ":" + n).toList()) + ")";
    }

    /**
     * Inserts {@code values} in one transaction (all or none) as one prepared batch. All values must
     * name the same columns.
     */
    void insertAll(List<T> values) {
        insertAll(values, h -> {});
    }

    /** As above, running {@code first} in the same transaction before the inserts (a check that may throw). */
    void insertAll(List<T> values, Consumer<Handle> first) {
        if (values.isEmpty()) {
            return;
        }
        long now = store.now();
        List<Map<String, Object>> rows = new ArrayList<>(values.size());
        for (T value : values) {
            rows.add(insertColumns(value, now));
        }
        String sql = insertSql(rows.get(0));
        boolean committedHere = store.jdbi().withHandle(h -> {
            // JDBI hands a caller already in a transaction on this thread the same handle: then this write
            // commits (or rolls back) with the caller's transaction, and must not be cached before it does
            boolean outer = h.isInTransaction();
            h.useTransaction(tx -> {
                first.accept(tx);
                var batch = tx.prepareBatch(sql);
                for (Map<String, Object> cols : rows) {
                    cols.forEach(batch::bind);
                    batch.add();
                }
                batch.execute();
                published(tx, values);
            });
            return !outer;
        });
        if (committedHere) {
            for (int i = 0; i < values.size(); i++) {
                remember(rows.get(i).get(key), new Versioned<>(values.get(i), 1L));
            }
        }
    }

    void insert(T value) {
        store.jdbi().useTransaction(h -> insert(h, value));
    }

    /** Writes {@code value} if the row is still at {@code expectedVersion}; false if it moved on. */
    boolean update(Handle h, T value, long expectedVersion) {
        return update(h, value, expectedVersion, true);
    }

    /** As above; {@code publish} false writes without publishing its changes (a write no reader waits for). */
    boolean update(Handle h, T value, long expectedVersion, boolean publish) {
        Map<String, Object> cols = new LinkedHashMap<>(columns.apply(value));
        Object id = cols.remove(key);
        cols.remove("created_at");
        Versioned<T> before = parsed == null ? null : parsed.getIfPresent(String.valueOf(id));
        if (before != null && before.version() == expectedVersion) {
            // The row can only be written if it is still at that version, whose columns we know: set only
            // the columns that change, so that the database maintains only the indexes that change.
            Map<String, Object> old = columns.apply(before.value());
            cols.entrySet().removeIf(e -> Objects.equals(e.getValue(), old.get(e.getKey())));
        }
        cols.put("doc", write(value));
        cols.put("updated_at", store.now());
        StringBuilder sql = new StringBuilder("UPDATE " + table + " SET version = version + 1");
        cols.keySet().forEach(c -> sql.append(", ").append(c).append(" = :").append(c));
        sql.append(" WHERE ").append(key).append(" = :__id AND version = :__version");
        var update = h.createUpdate(sql.toString());
        cols.forEach(update::bind);
        boolean written =
                update.bind("__id", id).bind("__version", expectedVersion).execute() == 1;
        if (written && publish) {
            published(h, List.of(value));
        }
        return written;
    }

    /** As {@link #update(Handle, Object, long)} in a transaction of its own; the value written is cached once committed. */
    boolean update(T value, long expectedVersion) {
        return update(value, expectedVersion, true);
    }

    /** As {@link #update(Object, long)}, publishing its changes only when {@code publish}. */
    boolean update(T value, long expectedVersion, boolean publish) {
        boolean[] outer = new boolean[1];
        boolean written = store.jdbi().withHandle(h -> {
            outer[0] = h.isInTransaction(); // see insertAll: then the caller's transaction decides
            return h.inTransaction(tx -> update(tx, value, expectedVersion, publish));
        });
        if (written && !outer[0]) {
            committed(value, expectedVersion + 1);
        }
        return written;
    }

    private T read(String json) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + table + " document", e);
        }
    }

    String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unwritable " + table + " document", e);
        }
    }
}
