package io.takeover.replay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.replay.Transitions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayStoreTest {

    @TempDir
    Path dir;

    private ReplaySettings settings(long capacity) {
        return new ReplaySettings(dir, "pendulum", 3, 1, capacity);
    }

    private static List<byte[]> items(int from, int to) {
        List<byte[]> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            items.add(Transitions.bytes(i));
        }
        return items;
    }

    @Test
    void itemsAndOffsetsSurviveAReopen() {
        try (ReplayStore store = ReplayStore.open(settings(10_000))) {
            store.append(items(0, 600), Map.of(0, 600L));
            store.append(items(600, 1000), Map.of(0, 700L, 1, 300L));
        }
        try (ReplayStore store = ReplayStore.open(settings(10_000))) {
            assertEquals(1000, store.size());
            assertEquals(Map.of(0, 700L, 1, 300L), store.offsets());
            Batch batch = Batch.allocate(256, 3, 1);
            store.sampleUniform(batch, new Random(1));
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 256; i++) {
                int index = (int) batch.observations()[i * 3];
                assertEquals(index + 1, batch.nextObservations()[i * 3], "s' belongs to s");
                assertEquals(index % 10 == 0 ? -1f : 0f, batch.rewards()[i], "reward belongs to s");
                assertEquals(0.5f, batch.actions()[i]);
                seen.add(index);
            }
            assertTrue(seen.size() > 200, "uniform draws over 1000 items rarely repeat: " + seen.size());
        }
    }

    @Test
    void aFullTableEvictsTheOldestFirst() {
        try (ReplayStore store = ReplayStore.open(settings(100))) {
            store.append(items(0, 250), Map.of());
            assertEquals(100, store.size());
            Batch batch = Batch.allocate(500, 3, 1);
            store.sampleUniform(batch, new Random(2));
            for (int i = 0; i < 500; i++) {
                assertTrue(batch.observations()[i * 3] >= 150, "only the newest 100 remain");
            }
        }
        try (ReplayStore store = ReplayStore.open(settings(100))) {
            assertEquals(100, store.size(), "eviction is durable too");
        }
    }

    @Test
    void aCorruptStoredValueIsSkippedAndCounted() {
        try (ReplayStore store = ReplayStore.open(settings(1000))) {
            List<byte[]> values = items(0, 20);
            values.add(new byte[] {(byte) 0xC3, 0x01, 1, 2, 3});
            store.append(values, Map.of());
            Batch batch = Batch.allocate(400, 3, 1);
            store.sampleUniform(batch, new Random(3));
            for (int i = 0; i < 400; i++) {
                assertTrue(batch.observations()[i * 3] < 20);
            }
            assertTrue(store.corrupt() > 0, "the corrupt item was drawn and skipped");
        }
    }

    @Test
    void anEmptyTableSaysSo() {
        try (ReplayStore store = ReplayStore.open(settings(10))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> store.sampleUniform(Batch.allocate(4, 3, 1), new Random()));
            assertTrue(e.getMessage().contains("empty"));
        }
    }
}
