package dev.ballast.api;

import java.util.List;
import java.util.Map;

/** Decides who sent a request (AWS Signature Version 4 in production). */
@FunctionalInterface
public interface Authenticator {
    /**
     * @return the caller's access key id
     * @throws AwsException with the AWS error type when the request is not authentic
     */
    String authenticate(String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body);

    /**
     * Whether the authenticated key {@code accessKeyId} may only read ({@link ReadOnlyAccess}); none is by default.
     */
    default boolean readOnly(String accessKeyId) {
        return false;
    }
}
