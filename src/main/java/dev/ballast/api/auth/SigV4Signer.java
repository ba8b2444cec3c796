package dev.ballast.api.auth;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Signs a request with AWS Signature Version 4 in the {@code Authorization} header, with the same
 * canonical-request, string-to-sign and signing-key code {@link SigV4Verifier} checks with. Every given
 * header, {@code host} and {@code x-amz-date} are signed; the payload hash is the SHA-256 of the body.
 * Used by Ballast's own command-line clients. Thread-safe.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">
 *      Create a signed AWS API request</a>
 */
public final class SigV4Signer {
    private final String accessKeyId;
    private final String secretAccessKey;
    private final String region;
    private final String service;
    private final Clock clock;
    private final SigningKeys keys = new SigningKeys(4);

    /**
     * @param service the signing name, {@code ecs} for Ballast's API
     */
    public SigV4Signer(String accessKeyId, String secretAccessKey, String region, String service, Clock clock) {
        this.accessKeyId = requireText(accessKeyId, "accessKeyId");
        this.secretAccessKey = requireText(secretAccessKey, "secretAccessKey");
        this.region = requireText(region, "region");
        this.service = requireText(service, "service");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The headers to send for {@code method uri} with {@code headers} and {@code body}: the given headers plus
     * {@code X-Amz-Date} and {@code Authorization}. {@code Host} is signed as the URI's authority but not
     * returned, since HTTP clients set it themselves.
     */
    public Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body) {
        Instant now = clock.instant();
        String timestamp = AmzDate.formatBasic(now);
        Map<String, List<String>> signed = new TreeMap<>();
        headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), List.of(v)));
        signed.put("host", List.of(uri.getRawAuthority()));
        signed.put("x-amz-date", List.of(timestamp));
        List<String> names = new ArrayList<>(signed.keySet());
        String canonical = CanonicalRequest.build(
                method,
                uri.getRawPath(),
                uri.getRawQuery(),
                signed,
                names,
                Hashing.sha256Hex(body == null ? new byte[0] : body));
        CredentialScope scope = new CredentialScope(timestamp.substring(0, 8), region, service);
        String toSign = StringToSign.build(timestamp, scope, canonical);
        String signature =
                HexFormat.of().formatHex(Hashing.hmacSha256(keys.signingKey(secretAccessKey, scope), toSign));
        Map<String, String> out = new LinkedHashMap<>(headers);
        out.put("X-Amz-Date", timestamp);
        out.put(
                "Authorization",
                AuthorizationHeader.ALGORITHM + " Credential=" + accessKeyId + "/" + scope + ", SignedHeaders="
                        + String.join(";", names) + ", Signature=" + signature);
        return out;
    }

    private static String requireText(String s, String name) {
        Objects.requireNonNull(s, name);
        if (s.isEmpty()) {
            throw new IllegalArgumentException(name + " must not be empty");
        }
        return s;
    }
}
