package dev.ballast.api.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * One access key that Ballast accepts: the key id, its secret, and for temporary credentials the session
 * token that requests must carry in {@code X-Amz-Security-Token}.
 *
 * <p>The access key id appears in the SigV4 credential scope
 * ({@code Credential=<id>/<date>/<region>/<service>/aws4_request}), so it may not contain {@code /} or
 * whitespace. {@link #toString()} never reveals the secret or the session token.
 *
 * @param accessKeyId     the public half, as sent by clients in the {@code Credential=} component
 * @param secretAccessKey the shared secret the signing key is derived from
 * @param sessionToken    the session token of temporary credentials, or empty for long-term keys
 * @param readOnly        the key may only read: describe and list operations, the console's pages (a profile's
 *                        {@code ballast_read_only = true} in the credentials file)
 */
public record Credential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken, boolean readOnly) {

    public Credential {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        if (accessKeyId.isEmpty() || accessKeyId.chars().anyMatch(c -> c == '/' || Character.isWhitespace(c))) {
            throw new IllegalArgumentException(
                    "access key id must be non-empty without '/' or whitespace: '" + accessKeyId + "'");
        }
        if (secretAccessKey.isEmpty()) {
            throw new IllegalArgumentException("secret access key of " + accessKeyId + " is empty");
        }
        if (sessionToken.filter(String::isEmpty).isPresent()) {
            throw new IllegalArgumentException("session token of " + accessKeyId + " is empty");
        }
    }

    /** A key that may read and write. */
    public Credential(String accessKeyId, String secretAccessKey, Optional<String> sessionToken) {
        this(accessKeyId, secretAccessKey, sessionToken, false);
    }

    /** The same key, allowed to read only. */
    public Credential asReadOnly() {
        return new Credential(accessKeyId, secretAccessKey, sessionToken, true);
    }

    /** A long-term access key without a session token. */
    public static Credential of(String accessKeyId, String secretAccessKey) {
        return new Credential(accessKeyId, secretAccessKey, Optional.empty());
    }

    /** Temporary credentials: requests must present {@code sessionToken} in {@code X-Amz-Security-Token}. */
    public static Credential temporary(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new Credential(accessKeyId, secretAccessKey, Optional.of(sessionToken));
    }

    /** Shows the access key id only; the secret and the session token are masked. */
    @Override
    public String toString() {
        return "Credential[accessKeyId=" + accessKeyId + ", secretAccessKey=****, sessionToken="
                + (sessionToken.isPresent() ? "****" : "none") + (readOnly ? ", readOnly" : "") + "]";
    }
}
