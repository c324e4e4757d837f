package io.takeover.replay.sample;

import io.takeover.replay.table.TableName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.replay.Transitions;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.sample.RateLimit;
import io.takeover.replay.sample.RateLimiter.ReplayWaitTimeoutException;
import io.takeover.replay.sample.Sampling;
import io.takeover.replay.store.BatchMix;
import io.takeover.replay.store.MixedSampler;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import io.takeover.replay.table.TableSettings;
import io.takeover.schemas.Transition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SamplersTest {

    @TempDir
    Path dir;

    private static void insert(ReplayStore store, int from, int to) {
        List<Transition> ts = Transitions.range(from, to);
        store.insert(ts, Transitions.wire(ts), Map.of());
    }

    @Test
    void prioritizedDrawsByPriorityAndWeighsTheDrawsBack() throws Exception {
        ReplaySettings s = ReplaySettings.defaults(dir, "pendulum", 3, 1, 1000, 1)
                .withTable(TableSettings.fifo(TableName.ONLINE, 1000).withSampling(Sampling.prioritized(1, 1)))
                .withMix(Map.of(TableName.ONLINE, 1.0));
        try (ReplayStore store = ReplayStore.open(s)) {
            insert(store, 0, 100);
            MixedSampler sampler = store.sampler();
            Batch batch = Batch.allocate(100, 3, 1);
            sampler.sample(batch, new Random(1));
            float[] priorities = new float[100];
            for (int i = 0; i < 100; i++) {
                priorities[i] = batch.observations()[i * 3] == 7 ? 100f : 0.01f; // item 7 matters most
            }
            sampler.updatePriorities(batch, priorities);
            int sevens = 0;
            float sevenWeight = 1;
            for (int k = 0; k < 20; k++) {
                sampler.sample(batch, new Random(k));
                for (int i = 0; i < 100; i++) {
                    if (batch.observations()[i * 3] == 7) {
                        sevens++;
                        sevenWeight = batch.weights()[i];
                    }
                }
            }
            assertTrue(sevens > 1000, "item 7 holds nearly all the priority mass: drawn " + sevens + " of 2000");
            assertTrue(sevenWeight < 0.05f, "and is weighted down accordingly: " + sevenWeight);
        }
    }

    @Test
    void aMixDrawsEachTableItsShareAndGivesAnEmptyTablesShareAway() throws Exception {
        try (ReplayStore store = ReplayStore.open(ReplaySettings.defaults(dir, "pendulum", 3, 1, 10_000, 1)
                .withMix(BatchMix.INTERVENTIONS))) {
            insert(store, 0, 1000); // 100 of them takeovers, also in the intervention table; prior is empty
            Batch batch = Batch.allocate(256, 3, 1);
            store.sampler().sample(batch, new Random(3));
            int takeovers = 0;
            for (int i = 0; i < 256; i++) {
                takeovers += batch.rewards()[i] == -1f ? 1 : 0;
            }
            // online 0.5 and intervention 0.25 of 0.75: a third of the batch is interventions, plus a tenth of the rest
            assertTrue(takeovers >= 85 + 10 && takeovers <= 85 + 30, "takeovers in the batch: " + takeovers);
            assertEquals(85, store.table(TableName.INTERVENTION).sampled());
            assertEquals(171, store.table(TableName.ONLINE).sampled());
        }
    }

    @Test
    void theSymmetricMixIsHalfOnlineHalfPriorAndAllOnlineWithoutPriorData() throws Exception {
        try (ReplayStore store = ReplayStore.open(ReplaySettings.defaults(dir, "pendulum", 3, 1, 10_000, 1))) {
            insert(store, 0, 1000);
            Batch batch = Batch.allocate(256, 3, 1);
            store.sampler().sample(batch, new Random(3));
            assertEquals(256, store.table(TableName.ONLINE).sampled(), "no demonstrations yet: the whole batch online");
            List<Transition> demos = Transitions.range(5000, 8000);
            store.insertInto(TableName.PRIOR, demos, Transitions.wire(demos));
            store.sampler().sample(batch, new Random(4));
            assertEquals(256 + 128, store.table(TableName.ONLINE).sampled());
            assertEquals(128, store.table(TableName.PRIOR).sampled());
            assertEquals(0, store.table(TableName.INTERVENTION).sampled());
        }
    }

    @Test
    void theUniformMixDrawsEachItemAlikeWhicheverTableHoldsIt() throws Exception {
        try (ReplayStore store = ReplayStore.open(ReplaySettings.defaults(dir, "pendulum", 3, 1, 10_000, 1)
                .withMix(BatchMix.UNIFORM))) {
            insert(store, 0, 1000);
            List<Transition> demos = Transitions.range(5000, 8000);
            store.insertInto(TableName.PRIOR, demos, Transitions.wire(demos));
            Batch batch = Batch.allocate(256, 3, 1);
            store.sampler().sample(batch, new Random(3));
            assertEquals(64, store.table(TableName.ONLINE).sampled(), "1,000 of 4,000 items are online");
            assertEquals(192, store.table(TableName.PRIOR).sampled());
        }
    }

    @Test
    void theRateLimiterWaitsForInsertsAndGivesUpWithAReason() throws Exception {
        ReplaySettings s = ReplaySettings.defaults(dir, "pendulum", 3, 1, 10_000, 1)
                .withTable(TableSettings.fifo(TableName.ONLINE, 10_000)
                        .withRateLimit(new RateLimit(50, 2.0, 0, Duration.ofMillis(300))))
                .withMix(Map.of(TableName.ONLINE, 1.0));
        try (ReplayStore store = ReplayStore.open(s)) {
            Batch batch = Batch.allocate(100, 3, 1);
            ReplayWaitTimeoutException tooSmall = assertThrows(ReplayWaitTimeoutException.class,
                    () -> store.sampler().sample(batch, new Random(1)));
            assertTrue(tooSmall.getMessage().contains("for 50 items"), tooSmall.getMessage());

            insert(store, 0, 60); // 60 inserted at 2 samples per insert: 120 may be sampled
            store.sampler().sample(batch, new Random(1));
            ReplayWaitTimeoutException ahead = assertThrows(ReplayWaitTimeoutException.class,
                    () -> store.sampler().sample(batch, new Random(1)));
            assertTrue(ahead.getMessage().contains("ahead of the fleet"), ahead.getMessage());

            CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
                try {
                    store.sampler().sample(batch, new Random(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(50);
            insert(store, 60, 100); // 200 may be sampled now
            waiting.get(5, TimeUnit.SECONDS);
            assertTrue(store.table(TableName.ONLINE).limiter().waitedSeconds() > 0.5,
                    "the waits are reported");
        }
    }
}
