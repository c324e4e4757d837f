package io.takeover.tools.bench;

import io.takeover.replay.table.TableName;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import io.takeover.schemas.Control;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The replay against what it replaces, in one run (observation 17 floats, action 6, batch 256):
 * inserts against raw RocksDB WriteBatch puts of the same bytes; sampling against a float[] ring
 * holding the same data in this JVM, while the items fit in the block cache and when they do
 * not; and how long a store of the given size takes to reopen and serve its first batch.
 */
public final class ReplayBenchmark {

    private static final int OBS = 17;
    private static final int ACT = 6;
    private static final int BATCH = 256;
    private static final int CHUNK = 1000;

    private final Path dir;
    private final int items;
    private final PrintStream out;

    public ReplayBenchmark(Path dir, int items, PrintStream out) {
        this.dir = dir;
        this.items = items;
        this.out = out;
    }

    private ReplaySettings settings(Path where, long cacheBytes) {
        return ReplaySettings.defaults(where, "bench", OBS, ACT, items, 1).withCacheBytes(cacheBytes)
                .withMix(Map.of(TableName.ONLINE, 1.0));
    }

    public void run() throws Exception {
        List<Transition> chunk = chunk();
        List<byte[]> wire = chunk.stream().map(Codecs.TRANSITION::encode).toList();
        long cache = 256L << 20;

        double insert;
        try (ReplayStore store = ReplayStore.open(settings(dir.resolve("store"), cache))) {
            long start = System.nanoTime();
            for (int i = 0; i < items; i += CHUNK) {
                store.insert(chunk, wire, Map.of(0, (long) i + CHUNK));
                if (i % (items / 10) == 0 && i > 0) {
                    out.printf("  … inserted %,d of %,d%n", i, items);
                }
            }
            insert = items / ((System.nanoTime() - start) / 1e9);
        }
        double raw = rawInserts(chunk, wire, cache);
        out.printf("insert: %,.0f items/s; raw RocksDB WriteBatch puts of the same bytes %,.0f/s; ratio %.2f%n",
                insert, raw, insert / raw);

        long t0 = System.nanoTime();
        try (ReplayStore store = ReplayStore.open(settings(dir.resolve("store"), cache))) {
            Table online = store.table(TableName.ONLINE);
            online.sampler().sample(online, Batch.allocate(BATCH, OBS, ACT), 0, BATCH, new Random(1));
            out.printf("reopen %,d items and draw the first batch: %.2f s%n", online.size(),
                    (System.nanoTime() - t0) / 1e9);
            long itemBytes = online.bytes() / Math.max(1, online.size());
            out.printf("stored: %,d bytes (%d per item with its record; %d in the sampled column)%n", online.bytes(),
                    itemBytes, store.codec().size());
        }

        int slotBytes = codec().size() + 16;
        long mirror = Math.min((long) items * slotBytes, Runtime.getRuntime().maxMemory() / 4);
        int window = (int) Math.min(items, mirror / slotBytes);
        double ring = ringSamples(window);
        double fits = storeSamples(dir.resolve("store"), cache, mirror, window);
        out.printf("sample (%,d newest items, in memory): %,.0f transitions/s; float[] ring %,.0f/s; ratio %.2f%n",
                window, fits, ring, fits / ring);
        long small = 16L << 20;
        double cold = storeSamples(dir.resolve("store"), small, 0, items);
        out.printf("sample (%,d items from RocksDB, %d MB block cache, the rest from the OS page cache or disk): "
                + "%,.0f transitions/s%n", items, small >> 20, cold);
    }

    private static io.takeover.replay.table.ItemCodec codec() {
        return new io.takeover.replay.table.ItemCodec(OBS, ACT);
    }

    /** Samples from the newest {@code window} items, the ones kept in memory. */
    private double storeSamples(Path where, long cacheBytes, long mirrorBytes, int window) throws Exception {
        ReplaySettings s = settings(where, cacheBytes);
        double onlineShare = (double) s.table(TableName.ONLINE).capacity()
                / s.tables().stream().mapToLong(t -> t.capacity()).sum(); // the tables share the mirror by capacity
        s = s.withMirrorBytes((long) Math.ceil(mirrorBytes / onlineShare));
        try (ReplayStore store = ReplayStore.open(s)) {
            Table online = store.table(TableName.ONLINE);
            Batch batch = Batch.allocate(BATCH, OBS, ACT);
            Random rng = new Random(2);
            long first = online.next() - window;
            long[] seqs = new long[BATCH];
            for (long at = first; at + BATCH <= online.next(); at += BATCH) { // one pass warms the caches
                for (int i = 0; i < BATCH; i++) {
                    seqs[i] = at + i;
                }
                online.fill(batch, 0, seqs, BATCH);
            }
            Thread.sleep(2_000); // the mirror loads in the background after a reopen
            int batches = 0;
            long start = System.nanoTime();
            while (System.nanoTime() - start < 3_000_000_000L) {
                draw(online, batch, seqs, first, window, rng);
                batches++;
            }
            return batches * (double) BATCH / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static void draw(Table online, Batch batch, long[] seqs, long first, int window, Random rng) {
        for (int i = 0; i < BATCH; i++) {
            seqs[i] = first + rng.nextInt(window);
        }
        online.fill(batch, 0, seqs, BATCH);
    }

    /** The in-memory reference: the same numbers in flat float arrays, uniform draws copied into a batch. */
    private double ringSamples(int n) {
        float[] obs = new float[n * OBS];
        float[] act = new float[n * ACT];
        float[] next = new float[n * OBS];
        float[] reward = new float[n];
        float[] done = new float[n];
        Random fill = new Random(3);
        for (int i = 0; i < obs.length; i++) {
            obs[i] = fill.nextFloat();
            next[i] = fill.nextFloat();
        }
        Batch batch = Batch.allocate(BATCH, OBS, ACT);
        Random rng = new Random(2);
        int batches = 0;
        long start = System.nanoTime();
        while (System.nanoTime() - start < 3_000_000_000L) {
            for (int r = 0; r < BATCH; r++) {
                int i = rng.nextInt(n);
                System.arraycopy(obs, i * OBS, batch.observations(), r * OBS, OBS);
                System.arraycopy(act, i * ACT, batch.actions(), r * ACT, ACT);
                System.arraycopy(next, i * OBS, batch.nextObservations(), r * OBS, OBS);
                batch.rewards()[r] = reward[i];
                batch.dones()[r] = done[i];
            }
            batches++;
        }
        return batches * (double) BATCH / ((System.nanoTime() - start) / 1e9);
    }

    /** The same items and records as plain puts, two column families, one WriteBatch per chunk. */
    private double rawInserts(List<Transition> chunk, List<byte[]> wire, long cacheBytes) throws Exception {
        io.takeover.replay.table.ItemCodec codec = codec();
        List<byte[]> encoded = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            encoded.add(codec.encode(chunk.get(i), wire.get(i).length));
        }
        try (LRUCache cache = new LRUCache(cacheBytes);
                ColumnFamilyOptions cf = new ColumnFamilyOptions().setTableFormatConfig(
                        new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(16 << 10));
                DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
                WriteOptions write = new WriteOptions()) {
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try (RocksDB db = RocksDB.open(options, dir.resolve("raw").toString(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cf),
                    new ColumnFamilyDescriptor("items".getBytes(StandardCharsets.UTF_8), cf),
                    new ColumnFamilyDescriptor("records".getBytes(StandardCharsets.UTF_8), cf)), handles)) {
                long seq = 0;
                long start = System.nanoTime();
                for (int i = 0; i < items; i += CHUNK) {
                    try (WriteBatch batch = new WriteBatch()) {
                        for (int k = 0; k < chunk.size(); k++) {
                            byte[] key = ByteBuffer.allocate(8).putLong(seq++).array();
                            batch.put(handles.get(1), key, encoded.get(k));
                            batch.put(handles.get(2), key, wire.get(k));
                        }
                        db.write(write, batch);
                    }
                }
                double rate = items / ((System.nanoTime() - start) / 1e9);
                handles.forEach(ColumnFamilyHandle::close);
                return rate;
            }
        }
    }

    private static List<Transition> chunk() {
        Random rng = new Random(4);
        List<Transition> list = new ArrayList<>();
        for (int i = 0; i < CHUNK; i++) {
            list.add(Transition.newBuilder().setRobotId("robot-" + i % 50).setTask("bench").setEpisodeId("e" + i / 200)
                    .setStep(i % 200).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + 50L * i))
                    .setObservation(floats(rng, OBS)).setAction(floats(rng, ACT)).setNextObservation(floats(rng, OBS))
                    .setReward(i % 100 == 0 ? -1f : 0f).setTerminal(false).setSource(Control.POLICY)
                    .setTakeover(i % 100 == 0).setPolicyVersion(1).build());
        }
        return list;
    }

    private static List<Float> floats(Random rng, int n) {
        List<Float> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            list.add(rng.nextFloat() * 2 - 1);
        }
        return list;
    }
}
