package dev.ballast.api;

import dev.ballast.api.auth.SigV4Verifier;
import dev.ballast.api.auth.Verification;
import java.util.List;
import java.util.Map;

/** Authenticates requests with AWS Signature Version 4, answering failures with AWS's error types. */
public final class SigV4Authenticator implements Authenticator {
    private final SigV4Verifier verifier;

    public SigV4Authenticator(SigV4Verifier verifier) {
        this.verifier = verifier;
    }

    @Override
    public String authenticate(
            String method, String rawPath, String rawQuery, Map<String, List<String>> headers, byte[] body) {
        return switch (verifier.verify(method, rawPath, rawQuery, headers, body)) {
            case Verification.Accepted a -> a.accessKeyId();
            case Verification.Rejected r -> throw new AwsException(r.errorType(), r.httpStatus(), r.message());
        };
    }
}
