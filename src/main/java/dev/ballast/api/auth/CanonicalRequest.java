package dev.ballast.api.auth;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/**
 * Builds the SigV4 canonical request from what arrived on the wire:
 * <pre>
 * HTTPMethod \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
 * </pre>
 * For services other than S3 the path is normalised (dot segments removed) and each segment of the
 * already-encoded wire path is URI-encoded once more; query parameters are decoded, re-encoded with the
 * SigV4 rules and sorted; header values are trimmed with inner whitespace runs collapsed to one space and
 * repeated headers joined with commas.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">
 *      Create a signed AWS API request, step 1: canonical request</a>
 */
final class CanonicalRequest {

    private static final char[] HEX_UPPER = "0123456789ABCDEF".toCharArray();

    private CanonicalRequest() {}

    /**
     * @param headers       header values by lower-case name; every signed header must be present
     * @param signedHeaders the names from {@code SignedHeaders=}, in the client's order
     * @param payloadHash   lower-case hex SHA-256 of the body
     */
    static String build(
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> headers,
            List<String> signedHeaders,
            String payloadHash) {
        StringBuilder sb = new StringBuilder(256 + 64 * signedHeaders.size());
        sb.append(method).append('\n');
        sb.append(canonicalUri(rawPath)).append('\n');
        sb.append(canonicalQuery(rawQuery)).append('\n');
        for (String name : signedHeaders) {
            sb.append(name).append(':');
            appendHeaderValue(sb, headers.get(name));
            sb.append('\n');
        }
        sb.append('\n');
        sb.append(String.join(";", signedHeaders)).append('\n');
        sb.append(payloadHash);
        return sb.toString();
    }

    /** The encoded wire path, dot segments removed, encoded once more; {@code /} when empty. */
    static String canonicalUri(String rawPath) {
        if (rawPath == null || rawPath.isEmpty()) {
            return "/";
        }
        String path = removeDotSegments(rawPath);
        StringBuilder sb = new StringBuilder(path.length() + 16);
        if (!path.startsWith("/")) {
            sb.append('/');
        }
        encode(sb, path.getBytes(StandardCharsets.UTF_8), true);
        return sb.toString();
    }

    /** Query parameters decoded, re-encoded with SigV4 rules, sorted by name then value, joined with {@code &}. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.add(new String[] {reencode(name), reencode(value)});
        }
        params.sort((a, b) -> {
            int byName = a[0].compareTo(b[0]);
            return byName != 0 ? byName : a[1].compareTo(b[1]);
        });
        StringBuilder sb = new StringBuilder(rawQuery.length() + 16);
        for (String[] p : params) {
            if (!sb.isEmpty()) {
                sb.append('&');
            }
            sb.append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    /** Trims each value, collapses inner whitespace runs to one space, joins repeated values with commas. */
    static void appendHeaderValue(StringBuilder sb, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            String v = values.get(i).strip();
            if (!hasWhitespaceToCollapse(v)) {
                sb.append(v);
                continue;
            }
            boolean inSpace = false;
            for (int j = 0; j < v.length(); j++) {
                char c = v.charAt(j);
                if (isSpace(c)) {
                    if (!inSpace) {
                        sb.append(' ');
                    }
                    inSpace = true;
                } else {
                    sb.append(c);
                    inSpace = false;
                }
            }
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /** True if {@code v} has a whitespace character other than a lone space (the common case has none). */
    private static boolean hasWhitespaceToCollapse(String v) {
        for (int j = 0; j < v.length(); j++) {
            char c = v.charAt(j);
            if (isSpace(c) && (c != ' ' || (j + 1 < v.length() && isSpace(v.charAt(j + 1))))) {
                return true;
            }
        }
        return false;
    }

    /** RFC 3986 §5.2.4, keeping empty segments and a trailing slash. */
    static String removeDotSegments(String path) {
        if (!path.contains(".")) {
            return path;
        }
        Deque<String> out = new ArrayDeque<>();
        String[] segments = path.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String s = segments[i];
            boolean last = i == segments.length - 1;
            if (s.equals(".") || s.equals("..")) {
                if (s.equals("..") && out.size() > 1) {
                    out.removeLast();
                }
                if (last) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        String joined = String.join("/", out);
        return path.startsWith("/") && !joined.startsWith("/") ? "/" + joined : joined;
    }

    private static String reencode(String raw) {
        StringBuilder sb = new StringBuilder(raw.length() + 8);
        encode(sb, percentDecode(raw), false);
        return sb.toString();
    }

    /** Lenient percent-decoding: a {@code %} not followed by two hex digits stays literal. */
    private static byte[] percentDecode(String s) {
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        if (s.indexOf('%') < 0) {
            return in;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length);
        for (int i = 0; i < in.length; i++) {
            int hi = i + 2 < in.length ? Character.digit(in[i + 1], 16) : -1;
            int lo = i + 2 < in.length ? Character.digit(in[i + 2], 16) : -1;
            if (in[i] == '%' && hi >= 0 && lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(in[i]);
            }
        }
        return out.toByteArray();
    }

    /** SigV4 URI encoding: unreserved characters stay, everything else becomes {@code %XX} (upper-case hex). */
    private static void encode(StringBuilder sb, byte[] bytes, boolean keepSlash) {
        for (byte b : bytes) {
            int c = b & 0xFF;
            boolean unreserved = (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == '~'
                    || (keepSlash && c == '/');
            if (unreserved) {
                sb.append((char) c);
            } else {
                sb.append('%').append(HEX_UPPER[c >> 4]).append(HEX_UPPER[c & 0xF]);
            }
        }
    }
}
