package dev.ballast.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A username and password (or token used as password) for one registry; {@link #toString()} hides the secret.
 *
 * @param username user name sent in HTTP Basic authentication (RFC 7617)
 * @param password password or secret
 */
public record Credential(String username, String password) {

    public Credential {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("credential username is empty");
        }
        if (username.indexOf(':') >= 0) {
            throw new IllegalArgumentException("credential username \"" + username + "\" must not contain ':'");
        }
    }

    /** The value of an {@code Authorization: Basic …} header (RFC 7617, section 2). */
    String basicHeader() {
        String pair = username + ":" + password;
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credential[username=" + username + ", password=***]";
    }
}
