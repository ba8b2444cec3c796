package dev.ballast.console;

import dev.ballast.model.ClusterStatus;
import dev.ballast.store.ClusterRecord;
import dev.ballast.store.ServiceRow;
import dev.ballast.store.Store;
import dev.ballast.store.Versioned;

/** The clusters and services a console path names, or a 404 page naming what was not found. */
final class Lookups {
    private Lookups() {}

    /** The ACTIVE cluster {@code name}. */
    static ClusterRecord activeCluster(Store store, String name) {
        return store.clusters()
                .find(name)
                .filter(c -> ClusterStatus.fromWire(c.status()) == ClusterStatus.ACTIVE)
                .orElseThrow(() -> ConsoleException.notFound("Cluster " + name));
    }

    /** The live (not INACTIVE) service {@code name} of the ACTIVE cluster {@code cluster}. */
    static ServiceRow liveService(Store store, String cluster, String name) {
        activeCluster(store, cluster);
        return store.services()
                .live(cluster, name)
                .map(Versioned::value)
                .orElseThrow(() -> ConsoleException.notFound("Service " + name + " in cluster " + cluster));
    }
}
