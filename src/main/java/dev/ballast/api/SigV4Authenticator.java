package dev.ballast.api;

import dev.ballast.api.auth.Credential;
import dev.ballast.api.auth.CredentialStore;
import dev.ballast.api.auth.SigV4Verifier;
import dev.ballast.api.auth.Verification;
import java.util.List;
import java.util.Map;

/** Authenticates requests with AWS Signature Version 4, answering failures with AWS's error types. */
public final class SigV4Authenticator implements Authenticator {
    private final SigV4Verifier verifier;
    private final CredentialStore credentials;

    /** Every key may read and write. */
    public SigV4Authenticator(SigV4Verifier verifier) {
        this(verifier, CredentialStore.of());
    }

    /**
     * @param credentials the keys the verifier accepts, for their read-only flag ({@link Credential#readOnly()})
     */
    public SigV4Authenticator(SigV4Verifier verifier, CredentialStore credentials) {
        this.verifier = verifier;
        this.credentials = credentials;
    }

    @Override
    public boolean readOnly(String accessKeyId) {
        return credentials.find(accessKeyId).map(Credential::readOnly).orElse(false);
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
