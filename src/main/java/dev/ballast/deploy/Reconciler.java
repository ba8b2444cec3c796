package dev.ballast.deploy;

/**
 * One controller's reconcile step, in the style of controller-runtime: given only a key (a service ARN, or a job's
 * name), read the full desired and actual state, make one step of progress toward the desired state and return.
 * Level-triggered and idempotent: it never learns why it was called, and calling it again with nothing changed
 * changes nothing. A {@link ControllerRuntime} calls it for one key on one worker at a time.
 */
@FunctionalInterface
public interface Reconciler {
    /**
     * Reconciles {@code key}. A thrown exception means "try again later": the runtime requeues the key with a
     * per-key exponential back-off.
     */
    Result reconcile(String key);
}
