package dev.ballast.api;

/**
 * The bytes of request bodies the server holds at once, before it knows who sent them. A request reserves
 * its declared length (at most {@link RequestHandler#MAX_BODY_BYTES} + 1; that much when the length is not
 * declared) before reading its body and gives it back when answered; a request that does not fit is refused
 * at once. Large bodies may use only three quarters of the budget, so that slow large uploads cannot starve
 * the small requests every ECS client sends.
 */
final class BodyBudget {
    /** Bodies up to this size may use the whole budget. */
    static final int SMALL_BODY_BYTES = 64 * 1024;

    private final long capacity;
    private final long largeCapacity;
    private long used;

    BodyBudget(long capacity) {
        if (capacity < SMALL_BODY_BYTES) {
            throw new IllegalArgumentException(
                    "request body budget must be at least " + SMALL_BODY_BYTES + " bytes, got " + capacity);
        }
        this.capacity = capacity;
        this.largeCapacity = capacity / 4 * 3;
    }

    /** Reserves {@code bytes}; false (nothing reserved) when the budget cannot hold them now. */
    synchronized boolean tryAcquire(long bytes) {
        long limit = bytes <= SMALL_BODY_BYTES ? capacity : largeCapacity;
        if (used + bytes > limit) {
            return false;
        }
        used += bytes;
        return true;
    }

    synchronized void release(long bytes) {
        used -= bytes;
    }

    synchronized long used() {
        return used;
    }
}
