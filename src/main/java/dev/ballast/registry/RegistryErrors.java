package dev.ballast.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ballast.registry.RegistryException.Kind;
import java.io.IOException;
import java.net.http.HttpResponse;

/**
 * Turns a failed response into a {@link RegistryException}: the status and the first entry of the
 * registry's error body ({@code {"errors":[{"code","message","detail"}]}}, OCI distribution spec,
 * "Error Codes") decide the {@link Kind}.
 */
final class RegistryErrors {

    private RegistryErrors() {}

    static RegistryException failure(String action, HttpResponse<byte[]> response, ObjectMapper json) {
        return failure(null, action, response, json, "");
    }

    /**
     * As {@link #failure(String, HttpResponse, ObjectMapper)}, with the kind forced when {@code kind} is
     * not null and {@code note} appended to the message.
     */
    static RegistryException failure(
            Kind kind, String action, HttpResponse<byte[]> response, ObjectMapper json, String note) {
        int status = response.statusCode();
        String code = null;
        String message = null;
        byte[] body = response.body();
        if (body != null && body.length > 0) {
            try {
                JsonNode first = json.readTree(body).path("errors").path(0);
                code = first.path("code").isTextual()
                        ? printable(first.path("code").asText(), 64)
                        : null;
                message = first.path("message").isTextual()
                        ? printable(first.path("message").asText(), 200)
                        : null;
            } catch (IOException e) {
                // not a registry error body (a proxy's HTML page, …): the status alone classifies it
            }
        }
        Kind resolved = kind != null ? kind : classify(status, code);
        StringBuilder text =
                new StringBuilder(action).append(": registry answered ").append(status);
        if (code != null) {
            text.append(' ').append(code);
        }
        if (message != null && !message.isEmpty()) {
            text.append(" (").append(message).append(')');
        }
        text.append(note);
        return new RegistryException(resolved, text.toString(), status, code, message, null);
    }

    /**
     * The registry's words as they may appear in events and API errors: control characters dropped, at most
     * {@code max} characters (a hostile registry chooses them).
     */
    static String printable(String text, int max) {
        String clean = text.codePoints()
                .filter(c -> c >= 0x20 && c != 0x7f)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString()
                .strip();
        return clean.length() > max ? clean.substring(0, max) + "…" : clean;
    }

    static Kind classify(int status, String code) {
        if (code != null) {
            switch (code) {
                case "MANIFEST_UNKNOWN", "NAME_UNKNOWN", "BLOB_UNKNOWN", "BLOB_UPLOAD_UNKNOWN" -> {
                    return Kind.NOT_FOUND;
                }
                case "DENIED" -> {
                    return Kind.DENIED;
                }
                case "TOOMANYREQUESTS" -> {
                    return Kind.RATE_LIMITED;
                }
                default -> {
                    // fall through to the status
                }
            }
        }
        if (status == 404) {
            return Kind.NOT_FOUND;
        }
        if (status == 401) {
            return Kind.UNAUTHORIZED;
        }
        if (status == 403) {
            return Kind.DENIED;
        }
        if (status == 429) {
            return Kind.RATE_LIMITED;
        }
        if (status >= 500) {
            return Kind.UNAVAILABLE;
        }
        return Kind.INVALID;
    }
}
