package dev.ballast.console;

import java.time.Instant;

/**
 * A signed-in console user, from a verified session cookie.
 *
 * @param accessKeyId the access key they signed in with (shown; the secret never is)
 * @param expiresAt when the cookie stops being accepted
 * @param readOnly the key is read-only: no actions are offered or accepted
 * @param csrfToken the token every form of this session carries ({@value Sessions#CSRF_FIELD}); bound to the session
 */
public record Session(String accessKeyId, Instant expiresAt, boolean readOnly, String csrfToken) {
    @Override
    public String toString() {
        return "Session[" + accessKeyId + (readOnly ? ", read-only" : "") + ", until " + expiresAt + "]";
    }
}
