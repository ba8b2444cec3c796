package dev.ballast.store;

import java.util.Objects;

/**
 * A RunTask {@code clientToken} claimed in the transaction that inserts the call's tasks
 * (see {@link TaskRows#insertAll(java.util.List, ClientTokenClaim)}).
 *
 * @param cluster the cluster name (tokens are per cluster)
 * @param token the caller's token
 * @param requestHash a fingerprint of the call's other parameters, to tell a retry from a different call
 */
public record ClientTokenClaim(String cluster, String token, String requestHash) {
    public ClientTokenClaim {
        Objects.requireNonNull(cluster);
        Objects.requireNonNull(token);
        Objects.requireNonNull(requestHash);
    }

    /**
     * Thrown (and the whole insert rolled back) when another call claimed the token first; the caller
     * re-reads the winner's tasks.
     */
    public static final class TakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TakenException(ClientTokenClaim claim) {
            super("clientToken " + claim.token() + " already used in cluster " + claim.cluster(), null, false, false);
        }
    }
}
