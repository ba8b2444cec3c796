package dev.ballast.api.auth;

import dev.ballast.api.auth.Verification.Rejected;

/**
 * The authentication errors AWS JSON services send, by shape name, status and message. None of them
 * carries a secret or an expected signature.
 */
final class AuthErrors {

    static final String MISSING_TOKEN = "MissingAuthenticationTokenException";
    static final String INCOMPLETE_SIGNATURE = "IncompleteSignatureException";
    static final String UNRECOGNIZED_CLIENT = "UnrecognizedClientException";
    static final String INVALID_SIGNATURE = "InvalidSignatureException";

    private AuthErrors() {}

    /** No {@code Authorization} header and no query-string signature. */
    static Rejected missingToken() {
        return new Rejected(MISSING_TOKEN, 403, "Missing Authentication Token");
    }

    /** The signature information is malformed or incomplete; {@code message} says what is wrong. */
    static Rejected incomplete(String message) {
        return new Rejected(INCOMPLETE_SIGNATURE, 400, message);
    }

    /** Unknown access key, or a session token that does not belong to it. */
    static Rejected unrecognizedClient() {
        return new Rejected(UNRECOGNIZED_CLIENT, 400, "The security token included in the request is invalid.");
    }

    /** The recomputed signature differs from the one sent. */
    static Rejected signatureMismatch() {
        return invalidSignature("The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method.");
    }

    /** Well-formed signature information that cannot be valid (scope, time, payload hash). */
    static Rejected invalidSignature(String message) {
        return new Rejected(INVALID_SIGNATURE, 400, message);
    }
}
