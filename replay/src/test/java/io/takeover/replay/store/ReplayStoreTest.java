package io.takeover.replay.store;

import io.takeover.replay.table.TableName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.replay.Transitions;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.table.Table;
import io.takeover.replay.table.TableSettings.Removal;
import io.takeover.replay.table.TableSettings;
import io.takeover.schemas.Transition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class ReplayStoreTest {

    @TempDir
    Path dir;

    private ReplaySettings settings(long capacity) {
        return ReplaySettings.defaults(dir, "pendulum", 3, 1, capacity, 1);
    }

    private static void insert(ReplayStore store, int from, int to, Map<Integer, Long> offsets) {
        List<Transition> ts = Transitions.range(from, to);
        store.insert(ts, Transitions.wire(ts), offsets);
    }

    private static List<Integer> drawn(Table table, int n) {
        Batch batch = Batch.allocate(n, 3, 1);
        table.sampler().sample(table, batch, 0, n, new Random(7));
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            indexes.add((int) batch.observations()[i * 3]);
        }
        return indexes;
    }

    @Test
    void itemsAndOffsetsSurviveAReopenAndSampleWhole() {
        try (ReplayStore store = ReplayStore.open(settings(10_000))) {
            insert(store, 0, 600, Map.of(0, 600L));
            insert(store, 600, 1000, Map.of(0, 700L, 1, 300L));
        }
        try (ReplayStore store = ReplayStore.open(settings(10_000))) {
            Table online = store.table(TableName.ONLINE);
            assertEquals(1000, online.size());
            assertEquals(100, store.table(TableName.INTERVENTION).size(), "the takeovers, every tenth");
            assertEquals(Map.of(0, 700L, 1, 300L), store.offsets());
            Batch batch = Batch.allocate(256, 3, 1);
            online.sampler().sample(online, batch, 0, 256, new Random(1));
            Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < 256; i++) {
                int index = (int) batch.observations()[i * 3];
                assertEquals(index + 1, batch.nextObservations()[i * 3], "s' belongs to s");
                assertEquals(index % 10 == 0 ? -1f : 0f, batch.rewards()[i], "reward belongs to s");
                assertEquals(0.5f, batch.actions()[i]);
                assertEquals(1f, batch.weights()[i]);
                seen.add(index);
            }
            assertTrue(seen.size() > 200, "uniform draws over 1000 items rarely repeat: " + seen.size());
        }
    }

    @Test
    void aFullTableEvictsTheOldestFirstDurably() {
        try (ReplayStore store = ReplayStore.open(settings(100))) {
            insert(store, 0, 250, Map.of());
            Table online = store.table(TableName.ONLINE);
            assertEquals(100, online.size());
            assertEquals(150, online.evicted());
            assertTrue(drawn(online, 500).stream().allMatch(i -> i >= 150), "only the newest 100 remain");
        }
        try (ReplayStore store = ReplayStore.open(settings(100))) {
            assertEquals(100, store.table(TableName.ONLINE).size(), "eviction is durable too");
        }
    }

    @Test
    void keepInterventionsHoldsTakeoversLongerThanThePolicysOwnSteps() {
        ReplaySettings s = settings(100).withTable(TableSettings.fifo(TableName.ONLINE, 100)
                .withRemoval(Removal.keepInterventions(2)));
        try (ReplayStore store = ReplayStore.open(s)) {
            for (int i = 0; i < 250; i += 10) {
                insert(store, i, i + 10, Map.of());
            }
            Table online = store.table(TableName.ONLINE);
            assertEquals(100, online.size());
            List<Integer> held = drawn(online, 2000);
            assertTrue(held.contains(100), "takeover 100 moved back instead of leaving with its neighbours");
            assertTrue(held.stream().filter(i -> i < 150).allMatch(i -> i % 10 == 0),
                    "older than the newest 100, only takeovers remain");
        }
    }

    @Test
    void aByteCapacityBoundsTheTable() {
        long itemBytes;
        try (ReplayStore store = ReplayStore.open(settings(1000))) {
            insert(store, 0, 10, Map.of());
            itemBytes = store.table(TableName.ONLINE).bytes() / 10;
        }
        ReplaySettings s = settings(1000).withTable(TableSettings.fifo(TableName.ONLINE, 1000)
                .withCapacityBytes(50 * itemBytes));
        try (ReplayStore store = ReplayStore.open(s)) {
            insert(store, 10, 200, Map.of());
            Table online = store.table(TableName.ONLINE);
            assertTrue(online.bytes() <= 50 * itemBytes, online.bytes() + " > " + 50 * itemBytes);
            assertTrue(online.size() >= 49 && online.size() <= 50, "about 50 items fit: " + online.size());
        }
    }

    @Test
    void aTransitionOfOtherDimensionsIsRefusedSayingWhy() {
        try (ReplayStore store = ReplayStore.open(settings(100))) {
            Transition wrong = Transitions.transition("pendulum", 1);
            wrong.setObservation(List.of(1f, 2f));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> store.insertInto(TableName.PRIOR, List.of(wrong), Transitions.wire(List.of(wrong))));
            assertTrue(e.getMessage().contains("2/3/1") && e.getMessage().contains("3/3/1"), e.getMessage());
            assertEquals(0, store.table(TableName.PRIOR).size());
        }
    }

    @Test
    void aDamagedStoredItemIsSkippedAndCounted() throws Exception {
        try (ReplayStore store = ReplayStore.open(settings(1000))) {
            insert(store, 0, 20, Map.of());
        }
        damage(dir, TableName.ONLINE, 5);
        try (ReplayStore store = ReplayStore.open(settings(1000))) {
            Table online = store.table(TableName.ONLINE);
            List<Integer> held = drawn(online, 400);
            assertTrue(held.stream().noneMatch(i -> i == 5), "the damaged item is never served");
            assertTrue(online.corrupt() > 0, "it was drawn, skipped and counted");
        }
    }

    @Test
    void anEmptyTableSaysSo() {
        try (ReplayStore store = ReplayStore.open(settings(10))) {
            Table online = store.table(TableName.ONLINE);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> online.sampler().sample(online, Batch.allocate(4, 3, 1), 0, 4, new Random()));
            assertTrue(e.getMessage().contains("empty"));
        }
    }

    /** Flips a byte of item {@code seq} in RocksDB, as a failing disk might. */
    static void damage(Path dir, TableName table, long seq) throws Exception {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        for (byte[] name : RocksDB.listColumnFamilies(new Options(), dir.toString())) {
            descriptors.add(new ColumnFamilyDescriptor(name));
        }
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (RocksDB db = RocksDB.open(new org.rocksdb.DBOptions(), dir.toString(), descriptors, handles)) {
            for (int i = 0; i < descriptors.size(); i++) {
                if (new String(descriptors.get(i).getName(), StandardCharsets.UTF_8).equals(table.id())) {
                    byte[] key = ByteBuffer.allocate(8).putLong(seq).array();
                    byte[] value = db.get(handles.get(i), key);
                    value[20] ^= 0x5A;
                    db.put(handles.get(i), key, value);
                }
            }
            handles.forEach(ColumnFamilyHandle::close);
        }
    }
}
