package dev.ballast.console;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** An {@code application/x-www-form-urlencoded} body (the console's forms), first value per field. */
public final class Form {
    /** A console form is a handful of short fields. */
    static final int MAX_BYTES = 16 * 1024;

    private final Map<String, String> fields;

    private Form(Map<String, String> fields) {
        this.fields = fields;
    }

    static Form parse(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body != null && !body.isEmpty()) {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                fields.putIfAbsent(name, value);
            }
        }
        return new Form(fields);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new ConsoleException(400, "The form is not URL-encoded correctly.");
        }
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** The field's value, or a 400 naming it when absent or blank. */
    public String required(String name, String label) {
        String v = fields.get(name);
        if (v == null || v.isBlank()) {
            throw new ConsoleException(400, label + " is required.");
        }
        return v.strip();
    }
}
