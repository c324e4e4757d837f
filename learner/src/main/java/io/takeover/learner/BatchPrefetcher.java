package io.takeover.learner;

import io.takeover.replay.sample.Batch;
import io.takeover.replay.store.MixedSampler;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Samples batches from the replay on a thread of its own, so that gradient steps do not wait
 * for RocksDB: a few batches are kept ready, and used ones come back to be filled again.
 */
final class BatchPrefetcher implements AutoCloseable {

    private final MixedSampler sampler;
    private final BlockingQueue<Batch> ready;
    private final BlockingQueue<Batch> free;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    BatchPrefetcher(MixedSampler sampler, LearnerSettings settings, int depth) {
        this.sampler = sampler;
        int batches = depth * settings.agent().utd();
        this.ready = new ArrayBlockingQueue<>(batches);
        this.free = new ArrayBlockingQueue<>(batches);
        for (int i = 0; i < batches; i++) {
            free.add(Batch.allocate(settings.agent().batchSize(), settings.obsDim(), settings.actDim()));
        }
        Random rng = new Random(settings.agent().seed());
        this.thread = new Thread(() -> fill(rng), "learner-" + settings.task() + "-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void fill(Random rng) {
        try {
            while (running) {
                Batch batch = free.poll(100, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    sampler.sample(batch, rng);
                    ready.put(batch);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /**
     * The next batch; null when {@code keepWaiting} turns false first.
     *
     * @throws IllegalStateException when sampling failed (e.g. a rate limiter's deadline passed)
     */
    Batch take(BooleanSupplier keepWaiting) throws InterruptedException {
        while (keepWaiting.getAsBoolean()) {
            Batch batch = ready.poll(100, TimeUnit.MILLISECONDS);
            if (batch != null) {
                return batch;
            }
            if (failure != null) {
                throw new IllegalStateException("replay sampling failed: " + failure.getMessage(), failure);
            }
        }
        return null;
    }

    /** Hands a used batch back to be filled again. */
    void giveBack(Batch batch) {
        free.offer(batch);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
