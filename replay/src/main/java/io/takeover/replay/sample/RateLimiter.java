package io.takeover.replay.sample;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Holds sampling back until a table has {@code minSize} items, and while the learner would
 * sample more than {@code samplesPerInsert} items per item inserted since the table was opened
 * (plus an error buffer): it neither overfits a tiny buffer nor races ahead of the fleet.
 * Inserts are never held back. A wait past {@code maxWait} fails, saying what it waited for.
 */
public final class RateLimiter {

    private final SampledItems table;
    private final RateLimit limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final long insertedAtOpen;
    private final AtomicLong waitedNanos = new AtomicLong();
    private long sampled;

    public RateLimiter(SampledItems table, RateLimit limit) {
        this.table = table;
        this.limit = limit;
        this.insertedAtOpen = table.inserted();
    }

    /** Called after every insert into the table. */
    public void inserted() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code n} items may be sampled, and counts them as sampled.
     *
     * @throws ReplayWaitTimeoutException after {@code maxWait}
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public void acquire(int n) throws InterruptedException {
        lock.lock();
        long start = System.nanoTime();
        try {
            long deadline = start + limit.maxWait().toNanos();
            while (!allowed(n)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new ReplayWaitTimeoutException(why(n));
                }
                changed.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            sampled += n;
        } finally {
            waitedNanos.addAndGet(System.nanoTime() - start);
            lock.unlock();
        }
    }

    /** Time spent waiting so far, in seconds. */
    public double waitedSeconds() {
        return waitedNanos.get() / 1e9;
    }

    private boolean allowed(int n) {
        if (table.size() < Math.max(1, limit.minSize())) {
            return false;
        }
        return limit.samplesPerInsert() <= 0
                || sampled + n <= limit.samplesPerInsert() * (table.inserted() - insertedAtOpen) + limit.errorBuffer();
    }

    private String why(int n) {
        if (table.size() < Math.max(1, limit.minSize())) {
            return "replay table " + table.name() + ": waited " + limit.maxWait().toSeconds() + " s for "
                    + limit.minSize() + " items before sampling, it holds " + table.size()
                    + " — are robots stepping and is the label job running?";
        }
        return "replay table " + table.name() + ": waited " + limit.maxWait().toSeconds() + " s to sample " + n
                + " more items; " + sampled + " sampled against " + (table.inserted() - insertedAtOpen)
                + " inserted at " + limit.samplesPerInsert() + " samples per insert — the learner is ahead of the fleet";
    }

    /** A sampling wait that passed its deadline. */
    public static final class ReplayWaitTimeoutException extends IllegalStateException {
        ReplayWaitTimeoutException(String message) {
            super(message);
        }
    }
}
