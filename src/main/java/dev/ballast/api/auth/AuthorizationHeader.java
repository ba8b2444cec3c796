package dev.ballast.api.auth;

import dev.ballast.api.auth.ParsedAuthorization.Malformed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The parsed SigV4 {@code Authorization} header:
 * {@code AWS4-HMAC-SHA256 Credential=AKID/YYYYMMDD/region/service/aws4_request, SignedHeaders=a;b;c,
 * Signature=<64 hex>}.
 *
 * @param accessKeyId   the key id before the scope
 * @param scope         date, region and service of the credential
 * @param signedHeaders header names as the client listed them (lower case by the spec)
 * @param signature     the signature as 64 hex digits (checked when parsed)
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html">
 *      SigV4 signing elements: Authorization header</a>
 */
record AuthorizationHeader(String accessKeyId, CredentialScope scope, List<String> signedHeaders, String signature)
        implements ParsedAuthorization {

    static final String ALGORITHM = "AWS4-HMAC-SHA256";

    AuthorizationHeader {
        signedHeaders = List.copyOf(signedHeaders);
    }

    static ParsedAuthorization parse(String value) {
        String v = value.strip();
        int space = v.indexOf(' ');
        String algorithm = space < 0 ? v : v.substring(0, space);
        if (!algorithm.equals(ALGORITHM)) {
            return new Malformed("Authorization header must use the " + ALGORITHM + " algorithm, not '"
                    + truncate(algorithm) + "'.");
        }
        String credential = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : v.substring(space < 0 ? v.length() : space + 1).split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            String name = eq < 0 ? p : p.substring(0, eq).strip();
            String val = eq < 0 ? "" : p.substring(eq + 1).strip();
            switch (name) {
                case "Credential" -> {
                    if (credential != null) return duplicate(name);
                    credential = val;
                }
                case "SignedHeaders" -> {
                    if (signedHeaders != null) return duplicate(name);
                    signedHeaders = val;
                }
                case "Signature" -> {
                    if (signature != null) return duplicate(name);
                    signature = val;
                }
                default -> {
                    return new Malformed("Authorization header has an unknown component '" + truncate(name)
                            + "'; expected Credential, SignedHeaders and Signature.");
                }
            }
        }
        List<String> missing = new ArrayList<>();
        if (credential == null || credential.isEmpty()) missing.add("Credential");
        if (signedHeaders == null || signedHeaders.isEmpty()) missing.add("SignedHeaders");
        if (signature == null || signature.isEmpty()) missing.add("Signature");
        if (!missing.isEmpty()) {
            return new Malformed("Authorization header requires "
                    + String.join(", ", missing.stream().map(m -> "'" + m + "'").toList()) + " parameter"
                    + (missing.size() > 1 ? "s" : "") + ".");
        }
        return build(credential, signedHeaders, signature);
    }

    private static ParsedAuthorization build(String credential, String signedHeadersValue, String signatureHex) {
        String[] c = credential.split("/", -1);
        if (c.length != 5) {
            return new Malformed("Credential must have the form <access key id>/<YYYYMMDD>/<region>/<service>/"
                    + CredentialScope.TERMINATOR + "; got " + c.length + " '/'-separated parts.");
        }
        if (c[0].isEmpty()) return new Malformed("Credential has an empty access key id.");
        if (!isDigits(c[1], 8))
            return new Malformed("Credential scope date must be YYYYMMDD, not '" + truncate(c[1]) + "'.");
        if (c[2].isEmpty()) return new Malformed("Credential scope has an empty region.");
        if (c[3].isEmpty()) return new Malformed("Credential scope has an empty service.");
        if (!c[4].equals(CredentialScope.TERMINATOR)) {
            return new Malformed("Credential should be scoped with a valid terminator: '" + CredentialScope.TERMINATOR
                    + "', not '" + truncate(c[4]) + "'.");
        }
        List<String> names = Arrays.asList(signedHeadersValue.split(";", -1));
        if (names.stream().anyMatch(String::isEmpty)) {
            return new Malformed("SignedHeaders contains an empty header name.");
        }
        if (!isHex(signatureHex, 64)) {
            return new Malformed("Signature must be 64 hexadecimal characters.");
        }
        return new AuthorizationHeader(c[0], new CredentialScope(c[1], c[2], c[3]), names, signatureHex);
    }

    private static Malformed duplicate(String name) {
        return new Malformed("Authorization header repeats the '" + name + "' component.");
    }

    private static boolean isDigits(String s, int length) {
        return s.length() == length && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    private static boolean isHex(String s, int length) {
        return s.length() == length && s.chars().allMatch(ch -> Character.digit(ch, 16) >= 0 && ch < 128);
    }

    /** Echoes client input in messages, but never more than a short prefix. */
    private static String truncate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
