package dev.ballast.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

/** Reads and writes the JSON documents of the store's small tables with the store's one mapper. */
final class StoreJson {
    private StoreJson() {}

    static <T> T read(String json, Class<T> type, String what) {
        try {
            return DocTable.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + what, e);
        }
    }

    static <T> T read(String json, TypeReference<T> type, String what) {
        try {
            return DocTable.MAPPER.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable " + what, e);
        }
    }

    static String write(Object value, String what) {
        try {
            return DocTable.MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unwritable " + what, e);
        }
    }
}
