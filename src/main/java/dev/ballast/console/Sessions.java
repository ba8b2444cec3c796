package dev.ballast.console;

import dev.ballast.api.auth.Credential;
import dev.ballast.api.auth.CredentialStore;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Console sessions without server-side state: the cookie names the access key, an expiry and a random nonce, signed
 * with HMAC-SHA256 under a key derived from that access key's secret. Any replica with the same credentials file
 * verifies it, a restart keeps it, and removing the key from the credentials file ends its sessions. The CSRF token is
 * an HMAC of the nonce under the same key, so it is bound to the session and needs no storage either.
 *
 * <p>Cookie: {@code v1.<base64url key id>.<expiry epoch s>.<nonce>.<signature>}, {@code HttpOnly},
 * {@code SameSite=Strict}, {@code Path=/console}, {@code Max-Age} = the session's lifetime ({@code Secure} when the
 * request came over HTTPS through a proxy that says so).
 */
public final class Sessions {
    public static final String COOKIE = "ballast_console";
    /** The form field every console action carries its CSRF token in. */
    public static final String CSRF_FIELD = "csrf";
    /** How long a session lasts unless configured otherwise. */
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(8);

    private static final String VERSION = "v1";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final CredentialStore credentials;
    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();

    public Sessions(CredentialStore credentials, Clock clock, Duration lifetime) {
        if (lifetime.isNegative() || lifetime.isZero()) {
            throw new IllegalArgumentException("the console session lifetime must be positive");
        }
        this.credentials = credentials;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    public Duration lifetime() {
        return lifetime;
    }

    /**
     * Checks an access key pair typed into the login form: the session and its cookie value, or empty when the key is
     * unknown or the secret wrong (one answer for both, compared in constant time). Keys with a session token
     * (temporary credentials) cannot sign in: the console has no field for the token.
     */
    public Optional<Signed> login(String accessKeyId, String secret) {
        Optional<Credential> found = accessKeyId == null ? Optional.empty() : credentials.find(accessKeyId.strip());
        byte[] given = (secret == null ? "" : secret).getBytes(StandardCharsets.UTF_8);
        byte[] expected = found.map(c -> c.secretAccessKey().getBytes(StandardCharsets.UTF_8))
                .orElse(new byte[32]);
        boolean same = MessageDigest.isEqual(given, expected);
        if (found.isEmpty() || !same || found.get().sessionToken().isPresent()) {
            return Optional.empty();
        }
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        Credential c = found.get();
        long expiry = clock.instant().plus(lifetime).getEpochSecond();
        String payload = VERSION + "." + B64.encodeToString(c.accessKeyId().getBytes(StandardCharsets.UTF_8)) + "."
                + expiry + "." + B64.encodeToString(nonce);
        String cookie = payload + "." + B64.encodeToString(mac(c, payload));
        return Optional.of(new Signed(session(c, expiry, nonce), cookie));
    }

    /** The session a cookie value stands for, or empty when it is malformed, forged, expired or its key is gone. */
    public Optional<Session> verify(String cookie) {
        if (cookie == null) {
            return Optional.empty();
        }
        String[] parts = cookie.split("\\.", -1);
        if (parts.length != 5 || !parts[0].equals(VERSION)) {
            return Optional.empty();
        }
        try {
            String keyId = new String(B64D.decode(parts[1]), StandardCharsets.UTF_8);
            long expiry = Long.parseLong(parts[2]);
            byte[] nonce = B64D.decode(parts[3]);
            byte[] signature = B64D.decode(parts[4]);
            Optional<Credential> c = credentials.find(keyId);
            if (c.isEmpty() || nonce.length != 16) {
                return Optional.empty();
            }
            String payload = parts[0] + "." + parts[1] + "." + parts[2] + "." + parts[3];
            if (!MessageDigest.isEqual(signature, mac(c.get(), payload))
                    || clock.instant().getEpochSecond() >= expiry) {
                return Optional.empty();
            }
            return Optional.of(session(c.get(), expiry, nonce));
        } catch (IllegalArgumentException e) { // bad base64 or number
            return Optional.empty();
        }
    }

    /** Whether {@code token} is the CSRF token of {@code session} (constant time). */
    public static boolean csrfMatches(Session session, String token) {
        return token != null
                && MessageDigest.isEqual(
                        session.csrfToken().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code Set-Cookie} value that stores {@code cookie}. */
    public String setCookie(String cookie, boolean secure) {
        return COOKIE + "=" + cookie + "; Path=/console; Max-Age=" + lifetime.toSeconds()
                + "; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** The {@code Set-Cookie} value that removes the session cookie (log out). */
    public static String clearCookie(boolean secure) {
        return COOKIE + "=; Path=/console; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "");
    }

    /** A session and the cookie value that carries it. */
    public record Signed(Session session, String cookie) {
        @Override
        public String toString() {
            return "Signed[" + session + "]"; // the cookie is a bearer secret
        }
    }

    private Session session(Credential c, long expiry, byte[] nonce) {
        String csrf = B64.encodeToString(mac(c, "csrf." + B64.encodeToString(nonce)));
        return new Session(c.accessKeyId(), Instant.ofEpochSecond(expiry), c.readOnly(), csrf);
    }

    private static byte[] mac(Credential c, String data) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(c.secretAccessKey().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] key = derive.doFinal("ballast-console-session-v1".getBytes(StandardCharsets.UTF_8));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
