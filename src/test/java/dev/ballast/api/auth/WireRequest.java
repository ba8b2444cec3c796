package dev.ballast.api.auth;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** A request as a server receives it, with copy-on-write edits for tampering tests. */
record WireRequest(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {

    WireRequest {
        headers = Map.copyOf(headers);
    }

    Verification verifyWith(SigV4Verifier verifier) {
        return verifier.verify(method, rawPath, rawQuery, headers, body);
    }

    /** The first value of a header, whatever the case of its name; null if absent. */
    String header(String name) {
        return headers.entrySet().stream()
                .filter(e -> e.getKey().equalsIgnoreCase(name))
                .map(e -> e.getValue().getFirst())
                .findFirst()
                .orElse(null);
    }

    WireRequest withHeader(String name, String... values) {
        Map<String, List<String>> copy = withoutName(name);
        copy.put(name, List.of(values));
        return new WireRequest(method, rawPath, rawQuery, copy, body);
    }

    WireRequest withoutHeader(String name) {
        return new WireRequest(method, rawPath, rawQuery, withoutName(name), body);
    }

    /** Rewrites the Authorization header value. */
    WireRequest editAuthorization(UnaryOperator<String> edit) {
        return withHeader("Authorization", edit.apply(header("Authorization")));
    }

    WireRequest withBody(String utf8) {
        return new WireRequest(method, rawPath, rawQuery, headers, utf8.getBytes(StandardCharsets.UTF_8));
    }

    WireRequest withQuery(String query) {
        return new WireRequest(method, rawPath, query, headers, body);
    }

    WireRequest withHeaderNames(UnaryOperator<String> rename) {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        headers.forEach((k, v) -> copy.put(rename.apply(k), v));
        return new WireRequest(method, rawPath, rawQuery, copy, body);
    }

    private Map<String, List<String>> withoutName(String name) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.keySet().removeIf(k -> k.equalsIgnoreCase(name));
        return copy;
    }

    @Override
    public String toString() {
        return method + " " + rawPath + (rawQuery == null ? "" : "?" + rawQuery) + " " + headers;
    }
}
