package dev.ballast.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a registry asks for on {@code GET /v2/} or a 401: the {@code WWW-Authenticate} challenge
 * (RFC 7235 section 4.1; distribution token spec, "How to authenticate").
 */
sealed interface Challenge {

    /** {@code /v2/} answered 200: no authentication. */
    record None() implements Challenge {}

    /** HTTP Basic (RFC 7617). */
    record Basic(String realm) implements Challenge {}

    /**
     * Bearer token from {@code realm} (distribution token spec); {@code error} is e.g.
     * {@code insufficient_scope} (RFC 6750 section 3.1), empty when absent.
     */
    record Bearer(String realm, String service, String scope, String error) implements Challenge {

        boolean insufficientScope() {
            return error.equals("insufficient_scope");
        }
    }

    /**
     * Picks the challenge to answer from the {@code WWW-Authenticate} header values: Bearer over
     * Basic; empty if neither is offered.
     */
    static Optional<Challenge> parse(List<String> headerValues) {
        Challenge basic = null;
        for (String value : headerValues) {
            for (Map.Entry<String, Map<String, String>> c : parseHeader(value)) {
                Map<String, String> p = c.getValue();
                switch (c.getKey()) {
                    case "bearer" -> {
                        if (p.containsKey("realm")) {
                            return Optional.of(new Bearer(
                                    p.get("realm"),
                                    p.getOrDefault("service", ""),
                                    p.getOrDefault("scope", ""),
                                    p.getOrDefault("error", "")));
                        }
                    }
                    case "basic" -> basic = new Basic(p.getOrDefault("realm", ""));
                    default -> {
                        // other schemes (Negotiate, …) are not offered by registries we support
                    }
                }
            }
        }
        return Optional.ofNullable(basic);
    }

    /**
     * Parses one header value into (lower-cased scheme, parameters) pairs. Handles quoted strings with
     * backslash escapes and several comma-separated challenges in one value.
     */
    static List<Map.Entry<String, Map<String, String>>> parseHeader(String value) {
        List<Map.Entry<String, Map<String, String>>> out = new ArrayList<>();
        Tokens t = new Tokens(value);
        Map<String, String> params = null;
        while (t.skipSeparators()) {
            String token = t.token();
            if (token.isEmpty()) {
                t.pos++;
                continue;
            }
            t.skipSpaces();
            if (t.peek() == '=' && params != null) {
                t.pos++;
                t.skipSpaces();
                params.put(token.toLowerCase(Locale.ROOT), t.peek() == '"' ? t.quoted() : t.token());
            } else {
                params = new LinkedHashMap<>();
                out.add(Map.entry(token.toLowerCase(Locale.ROOT), params));
            }
        }
        return out;
    }

    /** Cursor over a header value. */
    final class Tokens {
        private final String s;
        private int pos;

        Tokens(String s) {
            this.s = s;
        }

        char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        void skipSpaces() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        boolean skipSeparators() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t' || s.charAt(pos) == ',')) {
                pos++;
            }
            return pos < s.length();
        }

        String token() {
            int start = pos;
            while (pos < s.length() && " \t,=\"".indexOf(s.charAt(pos)) < 0) {
                pos++;
            }
            return s.substring(start, pos);
        }

        String quoted() {
            StringBuilder b = new StringBuilder();
            pos++;
            while (pos < s.length() && s.charAt(pos) != '"') {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++);
                }
                b.append(c);
            }
            pos++;
            return b.toString();
        }
    }
}
