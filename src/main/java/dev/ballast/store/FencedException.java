package dev.ballast.store;

/**
 * A write made under a {@link Fence} that is no longer valid: the shard changed hands (or was given up) since
 * this replica took it. The transaction was rolled back; the new holder does the work.
 */
public final class FencedException extends RuntimeException {
    private final Fence fence;

    public FencedException(Fence fence) {
        super("shard " + fence.shard() + " is no longer held by " + fence.holder() + " with token " + fence.token()
                + ": write refused");
        this.fence = fence;
    }

    public Fence fence() {
        return fence;
    }
}
