package dev.ballast.api.auth;

import dev.ballast.api.auth.Verification.Accepted;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Verifies the AWS Signature Version 4 of an incoming request signed with the {@code Authorization}
 * header, as AWS SDKs and the AWS CLI sign ECS (AWS JSON 1.1) calls.
 *
 * <p>The canonical request is rebuilt from the {@code SignedHeaders} the client listed, which must include
 * {@code host} and the timestamp header ({@code X-Amz-Date}, else {@code Date}). The payload is always
 * hashed; a sent {@code X-Amz-Content-SHA256} must equal that hash ({@code UNSIGNED-PAYLOAD} is refused).
 * The credential scope must name this service, the timestamp's date and {@code aws4_request}; any region is
 * accepted and reported. Requests more than 15 minutes from the clock are refused. Signing keys are cached
 * per secret, date, region and service. Instances are thread-safe.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">
 *      Create a signed AWS API request</a>
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html">
 *      Troubleshoot Signature Version 4 errors</a>
 */
public final class SigV4Verifier {

    /** Largest accepted distance between the request timestamp and the clock, in either direction. */
    public static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private static final int SIGNING_KEY_CACHE_SIZE = 1024;

    private final CredentialStore credentials;
    private final Clock clock;
    private final String service;
    private final SigningKeys signingKeys = new SigningKeys(SIGNING_KEY_CACHE_SIZE);

    /** The request time, and the same in the basic format the scope and string to sign use. */
    private record Timestamp(Instant instant, String basic) {}

    /**
     * @param credentials the access keys to accept
     * @param clock       source of "now" for the 15-minute window
     * @param service     signing name expected in the credential scope, {@code ecs} for Ballast's API
     */
    public SigV4Verifier(CredentialStore credentials, Clock clock, String service) {
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.service = Objects.requireNonNull(service, "service");
    }

    /**
     * Checks one request.
     *
     * @param method   HTTP method, e.g. {@code POST}
     * @param rawPath  the path as received, still percent-encoded (e.g. {@code /})
     * @param rawQuery the query as received without {@code ?}, still percent-encoded; null or empty if none
     * @param headers  request headers; names in any case, a name may carry several values
     * @param body     the complete request body; null or an empty array if none
     */
    public Verification verify(
            String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        Objects.requireNonNull(method, "method");
        Map<String, List<String>> h = lowerCaseNames(headers);
        byte[] payload = body == null ? new byte[0] : body;
        List<String> authorization = h.get("authorization");
        if (authorization == null) {
            return hasQuerySignature(rawQuery)
                    ? AuthErrors.incomplete("Query-string (presigned) authentication is not supported; "
                            + "sign with the Authorization header.")
                    : AuthErrors.missingToken();
        }
        if (authorization.size() != 1) {
            return AuthErrors.incomplete("Exactly one Authorization header is required.");
        }
        AuthorizationHeader auth;
        switch (AuthorizationHeader.parse(authorization.getFirst())) {
            case ParsedAuthorization.Malformed m -> {
                return AuthErrors.incomplete(m.problem());
            }
            case AuthorizationHeader a -> auth = a;
        }
        if (!auth.signedHeaders().contains("host")) {
            return AuthErrors.incomplete("'Host' must be a signed header.");
        }
        for (String name : auth.signedHeaders()) {
            if (!h.containsKey(name)) {
                return AuthErrors.incomplete("Signed header '" + name + "' is not present in the request.");
            }
        }
        String dateHeader = h.containsKey("x-amz-date") ? "x-amz-date" : h.containsKey("date") ? "date" : null;
        if (dateHeader == null) {
            return AuthErrors.incomplete("Authorization requires an 'X-Amz-Date' or 'Date' header.");
        }
        if (!auth.signedHeaders().contains(dateHeader)) {
            return AuthErrors.incomplete("'" + displayName(dateHeader) + "' must be a signed header.");
        }
        List<String> dateValues = h.get(dateHeader);
        Optional<Instant> instant = dateValues.size() != 1
                ? Optional.empty()
                : dateHeader.equals("date")
                        ? AmzDate.parseHttpDate(dateValues.getFirst())
                        : AmzDate.parseBasic(dateValues.getFirst().strip());
        if (instant.isEmpty()) {
            return AuthErrors.incomplete(
                    dateHeader.equals("date")
                            ? "'Date' must be a single RFC 1123 date."
                            : "'X-Amz-Date' must be a single timestamp in ISO 8601 basic format (yyyyMMdd'T'HHmmss'Z').");
        }
        String basic = dateHeader.equals("date")
                ? AmzDate.formatBasic(instant.get())
                : dateValues.getFirst().strip();
        return verifyDated(method, rawPath, rawQuery, h, payload, auth, new Timestamp(instant.get(), basic));
    }

    private Verification verifyDated(
            String method,
            String rawPath,
            String rawQuery,
            Map<String, List<String>> h,
            byte[] body,
            AuthorizationHeader auth,
            Timestamp time) {
        CredentialScope scope = auth.scope();
        if (!time.basic().startsWith(scope.date())) {
            return AuthErrors.invalidSignature("Date in Credential scope does not match YYYYMMDD from the request "
                    + "timestamp: '" + scope.date() + "' != '" + time.basic().substring(0, 8) + "', from '"
                    + time.basic() + "'.");
        }
        if (!scope.service().equals(service)) {
            return AuthErrors.invalidSignature("Credential should be scoped to correct service: '" + service + "'.");
        }
        Optional<Verification> skew = checkSkew(time);
        if (skew.isPresent()) {
            return skew.get();
        }
        Optional<Credential> found = credentials.find(auth.accessKeyId());
        if (found.isEmpty() || !sessionTokenMatches(found.get(), h.get("x-amz-security-token"))) {
            return AuthErrors.unrecognizedClient();
        }
        if (h.containsKey("x-amz-security-token") && !auth.signedHeaders().contains("x-amz-security-token")) {
            return AuthErrors.incomplete("'X-Amz-Security-Token' must be a signed header.");
        }
        String payloadHash = Hashing.sha256Hex(body);
        List<String> declared = h.get("x-amz-content-sha256");
        if (declared != null) {
            String value = String.join(",", declared).strip();
            if (value.equals("UNSIGNED-PAYLOAD") || value.startsWith("STREAMING-")) {
                return AuthErrors.invalidSignature("X-Amz-Content-SHA256 '" + value
                        + "' is not accepted by this service; sign the SHA-256 of the payload.");
            }
            if (!value.equalsIgnoreCase(payloadHash)) {
                return AuthErrors.invalidSignature(
                        "The X-Amz-Content-SHA256 header does not match the SHA-256 of the request body.");
            }
            payloadHash = value;
        }
        String canonical = CanonicalRequest.build(method, rawPath, rawQuery, h, auth.signedHeaders(), payloadHash);
        String stringToSign = StringToSign.build(time.basic(), scope, canonical);
        byte[] key = signingKeys.signingKey(found.get().secretAccessKey(), scope);
        byte[] expected = Hashing.hmacSha256(key, stringToSign);
        if (!MessageDigest.isEqual(expected, Hashing.fromHex(auth.signature()))) {
            return AuthErrors.signatureMismatch();
        }
        return new Accepted(auth.accessKeyId(), scope.region());
    }

    /** How many derived signing keys are cached (for tests and metrics). */
    long cachedSigningKeys() {
        return signingKeys.size();
    }

    private Optional<Verification> checkSkew(Timestamp time) {
        Instant now = clock.instant();
        if (time.instant().isBefore(now.minus(MAX_SKEW))) {
            return Optional.of(AuthErrors.invalidSignature("Signature expired: " + time.basic()
                    + " is now earlier than " + AmzDate.formatBasic(now.minus(MAX_SKEW))
                    + " (" + AmzDate.formatBasic(now) + " - 15 min.)"));
        }
        if (time.instant().isAfter(now.plus(MAX_SKEW))) {
            return Optional.of(AuthErrors.invalidSignature("Signature not yet current: " + time.basic()
                    + " is still later than " + AmzDate.formatBasic(now.plus(MAX_SKEW))
                    + " (" + AmzDate.formatBasic(now) + " + 15 min.)"));
        }
        return Optional.empty();
    }

    /** A credential with a session token needs exactly that token; one without needs none. */
    private static boolean sessionTokenMatches(Credential credential, List<String> presented) {
        if (presented == null) {
            return credential.sessionToken().isEmpty();
        }
        return presented.size() == 1
                && credential
                        .sessionToken()
                        .map(t -> MessageDigest.isEqual(
                                t.getBytes(StandardCharsets.UTF_8),
                                presented.getFirst().strip().getBytes(StandardCharsets.UTF_8)))
                        .orElse(false);
    }

    private static boolean hasQuerySignature(String rawQuery) {
        return rawQuery != null
                && Stream.of(rawQuery.split("&"))
                        .anyMatch(p -> p.regionMatches(true, 0, "X-Amz-Signature=", 0, 16)
                                || p.regionMatches(true, 0, "X-Amz-Credential=", 0, 17));
    }

    private static String displayName(String header) {
        return header.equals("date") ? "Date" : "X-Amz-Date";
    }

    private static Map<String, List<String>> lowerCaseNames(Map<String, List<String>> headers) {
        Map<String, List<String>> out = new HashMap<>(headers.size() * 2);
        headers.forEach((name, values) -> {
            if (name != null && values != null && !values.isEmpty()) {
                out.merge(
                        name.toLowerCase(Locale.ROOT),
                        values,
                        (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
            }
        });
        return out;
    }
}
