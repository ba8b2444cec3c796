package dev.ballast.api;

import dev.ballast.core.Account;
import dev.ballast.store.Store;
import java.time.Clock;
import java.util.Map;

/**
 * The image-lifecycle extension operations (issue 11: pins, drift, service image-lifecycle policies, approvals,
 * audit), served on the ECS endpoint under their own target prefix {@value #TARGET_PREFIX}, SigV4-signed like
 * every other request. Each part registers its operations in {@link #register}.
 */
public final class LifecycleApi {
    /** The {@code X-Amz-Target} prefix of the lifecycle operations. */
    public static final String TARGET_PREFIX = "BallastLifecycle_20261206";

    /** What the lifecycle operations may use. */
    public record Context(Store store, Account account, Clock clock, EcsApi.Workers workers) {}

    private LifecycleApi() {}

    /** Adds every lifecycle operation to {@code ops}; they must be served under {@link #TARGET_PREFIX}. */
    static void register(Map<String, Operation> ops, Context context) {
        // one registration per part: pins, drift and policies, approvals, audit, rollback
        new LifecycleAuditOperations(context.store()).register(ops);
        new PinOperations(context).register(ops);
        new ServicePolicyOperations(context).register(ops);
        new DriftOperations(context).register(ops);
        new ApprovalOperations(context).register(ops);
        new RollbackOperations(context).register(ops);
    }
}
