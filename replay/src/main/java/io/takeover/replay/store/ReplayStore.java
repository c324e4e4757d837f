package io.takeover.replay.store;

import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable replay in RocksDB. Items are the transitions' wire bytes under 8-byte big-endian
 * sequence numbers, so the table is a ring: inserts append at {@code next}, eviction deletes
 * from {@code first}, and uniform sampling draws sequence numbers in between. The ring's bounds
 * and the Kafka offsets the items came from are written in the same atomic batch as the items.
 */
public final class ReplayStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplayStore.class);
    private static final byte[] FIRST = "ring/first".getBytes();
    private static final byte[] NEXT = "ring/next".getBytes();
    private static final String OFFSET_PREFIX = "offset/";

    static {
        RocksDB.loadLibrary();
    }

    private final ReplaySettings settings;
    private final RocksDB db;
    private final LRUCache cache;
    private final ColumnFamilyOptions cfOptions;
    private final DBOptions dbOptions;
    private final WriteOptions writeOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle online;
    private final AtomicLong first = new AtomicLong();
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();
    private final Object writeLock = new Object();

    private ReplayStore(ReplaySettings settings) throws RocksDBException {
        this.settings = settings;
        this.cache = new LRUCache(256L << 20);
        this.cfOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(16 << 10));
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        this.writeOptions = new WriteOptions();
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor("online".getBytes(), cfOptions));
        this.db = RocksDB.open(dbOptions, settings.dir().toString(), descriptors, handles);
        this.meta = handles.get(0);
        this.online = handles.get(1);
        first.set(readLong(FIRST));
        next.set(readLong(NEXT));
    }

    public static ReplayStore open(ReplaySettings settings) {
        try {
            Files.createDirectories(settings.dir());
            return new ReplayStore(settings);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open replay store at " + settings.dir() + ": " + e.getMessage()
                    + " (is another process using it?)", e);
        }
    }

    public ReplaySettings settings() {
        return settings;
    }

    /** Items held now. */
    public long size() {
        return next.get() - first.get();
    }

    public long inserted() {
        return inserted.get();
    }

    public long sampled() {
        return sampled.get();
    }

    /** Stored values that could not be decoded when sampled (skipped). */
    public long corrupt() {
        return corrupt.get();
    }

    /**
     * Appends items and records the Kafka positions they were read up to, atomically: after a
     * crash either both are there or neither, so ingest resumes exactly where the items end.
     *
     * @param values          transitions in wire encoding, already validated
     * @param nextOffsets     partition → next offset to read
     */
    public void append(List<byte[]> values, Map<Integer, Long> nextOffsets) {
        synchronized (writeLock) {
            long seq = next.get();
            long newFirst = first.get();
            try (WriteBatch batch = new WriteBatch()) {
                for (byte[] value : values) {
                    batch.put(online, key(seq++), value);
                }
                long excess = (seq - newFirst) - settings.capacity();
                if (excess > 0) {
                    batch.deleteRange(online, key(newFirst), key(newFirst + excess));
                    newFirst += excess;
                }
                batch.put(meta, FIRST, key(newFirst));
                batch.put(meta, NEXT, key(seq));
                for (Map.Entry<Integer, Long> offset : nextOffsets.entrySet()) {
                    batch.put(meta, (OFFSET_PREFIX + offset.getKey()).getBytes(), key(offset.getValue()));
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new IllegalStateException("replay write failed: " + e.getMessage(), e);
            }
            first.set(newFirst);
            next.set(seq);
            inserted.addAndGet(values.size());
        }
    }

    /** The stored next offset of every partition ingest has read from. */
    public Map<Integer, Long> offsets() {
        Map<Integer, Long> offsets = new HashMap<>();
        try (var it = db.newIterator(meta)) {
            byte[] prefix = OFFSET_PREFIX.getBytes();
            for (it.seek(prefix); it.isValid(); it.next()) {
                String k = new String(it.key());
                if (!k.startsWith(OFFSET_PREFIX)) {
                    break;
                }
                offsets.put(Integer.parseInt(k.substring(OFFSET_PREFIX.length())), ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return offsets;
    }

    /**
     * Fills {@code batch} with transitions drawn uniformly at random, with replacement. Corrupt
     * stored values are skipped, counted and redrawn.
     *
     * @throws IllegalStateException when the table is empty
     */
    public void sampleUniform(Batch batch, Random rng) {
        int filled = 0;
        int attempts = 0;
        while (filled < batch.size()) {
            long lo = first.get();
            long n = next.get() - lo;
            if (n <= 0) {
                throw new IllegalStateException("cannot sample an empty replay table");
            }
            int want = batch.size() - filled;
            List<byte[]> keys = new ArrayList<>(want);
            for (int i = 0; i < want; i++) {
                keys.add(key(lo + (long) (rng.nextDouble() * n)));
            }
            List<byte[]> values;
            try {
                values = db.multiGetAsList(Collections.nCopies(want, online), keys);
            } catch (RocksDBException e) {
                throw new IllegalStateException("replay read failed: " + e.getMessage(), e);
            }
            for (byte[] value : values) {
                if (value != null && fill(batch, filled, value)) {
                    filled++;
                }
            }
            if (++attempts > 100 && filled == 0) {
                throw new IllegalStateException("replay table holds no readable transitions");
            }
        }
        sampled.addAndGet(batch.size());
    }

    private boolean fill(Batch batch, int row, byte[] value) {
        Transition t;
        try {
            t = Codecs.TRANSITION.decode(value);
        } catch (WireFormatException e) {
            if (corrupt.getAndIncrement() == 0) {
                LOG.error("corrupt replay item skipped ({}); further ones are only counted", e.getMessage());
            }
            return false;
        }
        int o = settings.obsDim();
        int a = settings.actDim();
        if (t.getObservation().size() != o || t.getNextObservation().size() != o || t.getAction().size() != a) {
            corrupt.incrementAndGet();
            return false;
        }
        copy(t.getObservation(), batch.observations(), row * o);
        copy(t.getAction(), batch.actions(), row * a);
        copy(t.getNextObservation(), batch.nextObservations(), row * o);
        batch.rewards()[row] = t.getReward();
        batch.dones()[row] = t.getTerminal() ? 1f : 0f;
        return true;
    }

    private static void copy(List<Float> from, float[] to, int at) {
        for (int i = 0; i < from.size(); i++) {
            to[at + i] = from.get(i);
        }
    }

    private long readLong(byte[] k) throws RocksDBException {
        byte[] v = db.get(meta, k);
        return v == null ? 0 : ByteBuffer.wrap(v).getLong();
    }

    private static byte[] key(long seq) {
        return ByteBuffer.allocate(Long.BYTES).putLong(seq).array();
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            writeOptions.close();
            dbOptions.close();
            cfOptions.close();
            cache.close();
        }
    }
}
