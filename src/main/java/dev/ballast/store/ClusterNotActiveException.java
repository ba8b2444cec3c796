package dev.ballast.store;

/**
 * A write into a cluster that is not ACTIVE (deleted meanwhile, or never created): services, tasks and
 * container instances are only inserted in a transaction that finds their cluster ACTIVE and locks its row,
 * so DeleteCluster's emptiness check and these inserts cannot interleave.
 */
public final class ClusterNotActiveException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ClusterNotActiveException(String cluster) {
        super("cluster " + cluster + " is not ACTIVE");
    }
}
