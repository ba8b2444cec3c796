package dev.ballast.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Polls an end-to-end condition (a running server converging) until it holds or a deadline passes. */
public final class Eventually {
    private Eventually() {}

    public static void await(String what, Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        AssertionError last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (Boolean.TRUE.equals(condition.get())) {
                    return;
                }
                last = null;
            } catch (AssertionError e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        AssertionError timedOut = new AssertionError("timed out after " + timeout + " waiting for " + what);
        if (last != null) {
            timedOut.initCause(last);
        }
        throw timedOut;
    }
}
