package dev.ballast.api.auth;

/**
 * The SigV4 string to sign: algorithm, request timestamp, credential scope and the hex SHA-256 of the
 * canonical request, one per line.
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html">
 *      Create a signed AWS API request, step 3: string to sign</a>
 */
final class StringToSign {

    private StringToSign() {}

    /** @param timestamp request time in ISO 8601 basic format, e.g. {@code 20260101T000000Z} */
    static String build(String timestamp, CredentialScope scope, String canonicalRequest) {
        return AuthorizationHeader.ALGORITHM
                + '\n'
                + timestamp
                + '\n'
                + scope
                + '\n'
                + Hashing.sha256Hex(canonicalRequest);
    }
}
