package dev.ballast.api.auth;

import java.util.Objects;

/**
 * Outcome of checking the AWS Signature Version 4 of one request: the caller is either identified or
 * the request is refused with the error an AWS JSON 1.1 service would send ({@code __type}, HTTP status,
 * {@code message}).
 *
 * @see <a href="https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html">AWS Signature Version 4</a>
 */
public sealed interface Verification {

    /**
     * The signature is valid for a known access key.
     *
     * @param accessKeyId the key that signed the request
     * @param region      the region named in the credential scope (any region is accepted)
     */
    record Accepted(String accessKeyId, String region) implements Verification {
        public Accepted {
            Objects.requireNonNull(accessKeyId, "accessKeyId");
            Objects.requireNonNull(region, "region");
        }
    }

    /**
     * The request is refused. The message never contains a secret or the expected signature.
     *
     * @param errorType  AWS error shape name for the {@code __type} field, e.g. {@code InvalidSignatureException}
     * @param httpStatus HTTP status to answer with (400 or 403)
     * @param message    text for the {@code message} field
     */
    record Rejected(String errorType, int httpStatus, String message) implements Verification {
        public Rejected {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(message, "message");
        }
    }
}
