package io.takeover.local;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds or the deadline passes. */
final class Await {

    static void until(Duration deadline, String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    private Await() {}
}
