package dev.ballast.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
            .defaultPropertyInclusion(com.fasterxml.jackson.annotation.JsonInclude.Value.construct(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL, com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL))
            .build();

    private final Store store;
    private final String table;
    private final String key;
    private final Class<T> type;
    private final Function<T, Map<String, Object>> columns;

    /**
     * @param columns the indexed columns of a record (besides {@code doc}, {@code version} and
     *                {@code updated_at}), including the key column
     */
    DocTable(Store store, String table, String key, Class<T> type, Function<T, Map<String, Object>> columns) {
        this.store = store;
        this.table = table;
        this.key = key;
        this.type = type;
        this.columns = columns;
    }

    Optional<Versioned<T>> find(String id) {
        return store.jdbi().withHandle(h -> find(h, id));
    }

    Optional<Versioned<T>> find(Handle h, String id) {
        return h.createQuery("SELECT doc, version FROM " + table + " WHERE " + key + " = :id")
                .bind("id", id)
                .map((rs, ctx) -> new Versioned<>(read(rs.getString(1)), rs.getLong(2)))
                .findOne();
    }

    /** Rows matching a WHERE clause over the indexed columns, in the given order. */
    List<Versioned<T>> where(String condition, Map<String, Object> binds, String orderBy, int limit) {
        return store.jdbi().withHandle(h -> {
            Query q = h.createQuery("SELECT doc, version FROM " + table + " WHERE " + condition
                    + (orderBy == null ? "" : " ORDER BY " + orderBy) + " LIMIT :limit");
            binds.forEach(q::bind);
            return q.bind("limit", limit).map((rs, ctx) -> new Versioned<>(read(rs.getString(1)), rs.getLong(2))).list();
        });
    }

    int count(String condition, Map<String, Object> binds) {
        return store.jdbi().withHandle(h -> {
            Query q = h.createQuery("SELECT COUNT(*) FROM " + table + " WHERE " + condition);
            binds.forEach(q::bind);
            return q.mapTo(Integer.class).one();
        });
    }

    void insert(Handle h, T value) {
        Map<String, Object> cols = new LinkedHashMap<>(columns.apply(value));
        cols.put("doc", write(value));
        cols.put("version", 1L);
        cols.put("updated_at", store.now());
        if (!cols.containsKey("created_at")) {
            cols.put("created_at", store.now());
        }
        List<String> names = new ArrayList<>(cols.keySet());
        var update = h.createUpdate("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                + String.join(", ", names.stream().map(n -> ":" + n).toList()) + ")");
        cols.forEach(update::bind);
        update.execute();
    }

    void insert(T value) {
        store.jdbi().useTransaction(h -> insert(h, value));
    }

    /** Writes {@code value} if the row is still at {@code expectedVersion}; false if it moved on. */
    boolean update(Handle h, T value, long expectedVersion) {
        Map<String, Object> cols = new LinkedHashMap<>(columns.apply(value));
        Object id = cols.remove(key);
        cols.remove("created_at");
        cols.put("doc", write(value));
        cols.put("updated_at", store.now());
        StringBuilder sql = new StringBuilder("UPDATE " + table + " SET version = version + 1");
        cols.keySet().forEach(c -> sql.append(", ").append(c).append(" = :").append(c));
        sql.append(" WHERE ").append(key).append(" = :__id AND version = :__version");
        var update = h.createUpdate(sql.toString());
        cols.forEach(update::bind);
        return update.bind("__id", id).bind("__version", expectedVersion).execute() == 1;
    }

    boolean update(T value, long expectedVersion) {
        return store.jdbi().inTransaction(h -> update(h, value, expectedVersion));
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
