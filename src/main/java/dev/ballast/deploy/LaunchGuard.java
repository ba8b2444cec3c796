package dev.ballast.deploy;

import dev.ballast.store.DeploymentRow;
import dev.ballast.store.RevisionRow;
import dev.ballast.store.ServiceRow;

/**
 * Asked by {@link ServiceController} right before it launches tasks of a deployment: may tasks of {@code revision}
 * start now? The port through which the image lifecycle's pinned-image guard (implemented outside this package)
 * stops launches from a digest that is gone from its registry. An implementation is called on a reconcile worker:
 * it may read and write the store but never waits on a registry — it answers false while it checks (off the
 * worker) and wakes the controllers when the answer is in.
 */
@FunctionalInterface
public interface LaunchGuard {
    /** Lets every launch through (no guard). */
    LaunchGuard OPEN = (service, deployment, revision) -> true;

    /**
     * True when tasks of {@code deployment}'s {@code revision} may launch now; false while a check is running or
     * when an image they pin is known missing (the implementation writes the service event saying why).
     */
    boolean mayLaunch(ServiceRow service, DeploymentRow deployment, RevisionRow revision);
}
