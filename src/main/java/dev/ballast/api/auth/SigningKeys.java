package dev.ballast.api.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;

/**
 * Derives SigV4 signing keys and keeps the most recently used ones, since a key only changes with the
 * secret, the UTC date, the region and the service:
 * <pre>
 * kDate = HMAC("AWS4" + secret, date); kRegion = HMAC(kDate, region);
 * kService = HMAC(kRegion, service);    kSigning = HMAC(kService, "aws4_request")
 * </pre>
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">
 *      Create a signed AWS API request, step 4: derive a signing key</a>
 */
final class SigningKeys {

    /** Cache key. Holds the secret, so {@link #toString()} is overridden to hide it. */
    private record Id(String secret, CredentialScope scope) {
        @Override
        public String toString() {
            return "SigningKeys.Id[" + scope + "]";
        }
    }

    private final Cache<Id, byte[]> cache;

    /** @param maximumSize how many derived keys to keep (one per credential, day and region in use) */
    SigningKeys(int maximumSize) {
        this.cache = Caffeine.newBuilder().maximumSize(maximumSize).build();
    }

    /** The signing key for {@code secret} in {@code scope}; the returned array must not be modified. */
    byte[] signingKey(String secret, CredentialScope scope) {
        return cache.get(new Id(secret, scope), SigningKeys::derive);
    }

    private static byte[] derive(Id id) {
        byte[] k = Hashing.hmacSha256(
                ("AWS4" + id.secret()).getBytes(StandardCharsets.UTF_8),
                id.scope().date());
        k = Hashing.hmacSha256(k, id.scope().region());
        k = Hashing.hmacSha256(k, id.scope().service());
        return Hashing.hmacSha256(k, CredentialScope.TERMINATOR);
    }

    /** Number of keys currently cached (approximate; for tests and metrics). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
