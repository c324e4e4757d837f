package io.takeover.replay.table;

import io.takeover.replay.sample.Batch;
import io.takeover.replay.sample.ItemSampler;
import io.takeover.replay.sample.RateLimiter;
import io.takeover.replay.sample.SampledItems;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One replay table: a ring of items under 8-byte big-endian sequence numbers in RocksDB, the
 * numbers in one column family and the transition records beside them in another. Inserts
 * append at {@code next}; the remover takes from {@code first}; the ring's bounds and counters
 * are written in the same batch as the items, so a crash leaves either all of a write or none.
 */
public final class Table implements SampledItems {

    private static final Logger LOG = LoggerFactory.getLogger(Table.class);

    private final int index;
    private final TableSettings settings;
    private final ItemCodec codec;
    private final RocksDB db;
    private final ColumnFamilyHandle meta;
    private final ColumnFamilyHandle items;
    private final ColumnFamilyHandle records;
    private final ItemSampler sampler;
    private final Remover remover;
    private final RateLimiter limiter;
    private final ItemMirror mirror;
    private final Thread backfill;
    private volatile boolean closing;
    private final AtomicLong first = new AtomicLong();
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong inserted = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final AtomicLong sampled = new AtomicLong();
    private final AtomicLong corrupt = new AtomicLong();

    /** The table in {@code items} and {@code records}, its bounds and counters read from {@code meta}. */
    public static Table open(int index, TableSettings settings, ItemCodec codec, RocksDB db, ColumnFamilyHandle meta,
            ColumnFamilyHandle items, ColumnFamilyHandle records, long mirrorBytes) throws RocksDBException {
        return new Table(index, settings, codec, db, meta, items, records, mirrorBytes);
    }

    private Table(int index, TableSettings settings, ItemCodec codec, RocksDB db, ColumnFamilyHandle meta,
            ColumnFamilyHandle items, ColumnFamilyHandle records, long mirrorBytes) throws RocksDBException {
        this.index = index;
        this.settings = settings;
        this.codec = codec;
        this.db = db;
        this.meta = meta;
        this.items = items;
        this.records = records;
        first.set(readLong("first"));
        next.set(readLong("next"));
        bytes.set(readLong("bytes"));
        inserted.set(readLong("inserted"));
        evicted.set(readLong("evicted"));
        this.sampler = ItemSampler.of(settings.sampling(), settings.capacity(), first.get(), next.get());
        this.remover = Remover.of(settings.removal());
        this.limiter = new RateLimiter(this, settings.rateLimit());
        this.mirror = ItemMirror.sized(settings.capacity(), mirrorBytes, codec.size());
        this.backfill = mirror == null || size() == 0 ? null : new Thread(this::loadMirror, "replay-" + name() + "-load");
        if (backfill != null) {
            backfill.setDaemon(true);
            backfill.start();
        }
    }

    /** Reads the newest items into memory after a reopen; until then sampling reads RocksDB. */
    private void loadMirror() {
        long from = Math.max(first.get(), next.get() - mirror.slots());
        try (RocksIterator it = db.newIterator(items)) {
            for (it.seek(key(from)); it.isValid() && !closing; it.next()) {
                mirror.putIfNewer(ByteBuffer.wrap(it.key()).getLong(), it.value(), codec);
            }
        }
    }

    /** Stops loading the mirror; call before the database closes. */
    public void close() {
        closing = true;
        if (backfill != null) {
            try {
                backfill.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What a write will change once RocksDB has it; see {@link #stage}. */
    public final class Staged {
        private final long oldFirst;
        private final long newFirst;
        private final long oldNext;
        private final long newNext;
        private final long newBytes;
        private final long added;
        private final long removed;
        private final List<byte[]> puts;

        private Staged(long newFirst, long newNext, long newBytes, long added, long removed, List<byte[]> puts) {
            this.puts = puts;
            this.oldFirst = first.get();
            this.oldNext = next.get();
            this.newFirst = newFirst;
            this.newNext = newNext;
            this.newBytes = newBytes;
            this.added = added;
            this.removed = removed;
        }

        /** Call after the batch is written. */
        public void commit() {
            if (mirror != null) {
                for (int i = 0; i < puts.size(); i++) {
                    mirror.put(oldNext + i, puts.get(i));
                }
            }
            sampler.onCommit(oldFirst, newFirst, oldNext, newNext);
            first.set(newFirst);
            next.set(newNext);
            bytes.set(newBytes);
            inserted.addAndGet(added);
            evicted.addAndGet(removed);
            limiter.inserted();
        }
    }

    /**
     * Adds writes for new items (and their records) to {@code batch}, and the removals the
     * capacity then asks for, all to be written atomically by the caller.
     */
    public Staged stage(WriteBatch batch, List<byte[]> newItems, List<byte[]> newRecords) throws RocksDBException {
        long lo = first.get();
        long seq = next.get();
        long size = bytes.get();
        long committedNext = seq;
        List<byte[]> puts = new ArrayList<>(newItems);
        for (int i = 0; i < newItems.size(); i++) {
            batch.put(items, key(seq), newItems.get(i));
            batch.put(records, key(seq), newRecords.get(i));
            size += newItems.get(i).length + newRecords.get(i).length;
            seq++;
        }
        long removed = 0;
        if (over(lo, seq, size)) {
            try (RocksIterator it = db.newIterator(items)) {
                it.seek(key(lo));
                while (over(lo, seq, size) && lo < committedNext && it.isValid()) {
                    byte[] value = it.value();
                    boolean valid = codec.valid(value);
                    byte[] kept = valid ? remover.keep(value) : null;
                    if (kept != null) {
                        byte[] record = db.get(records, key(lo));
                        puts.add(kept);
                        batch.put(items, key(seq), kept);
                        batch.put(records, key(seq), record == null ? new byte[0] : record);
                        seq++;
                    } else {
                        size -= value.length + (valid ? ItemCodec.recordBytes(value) : 0);
                        removed++;
                    }
                    batch.delete(items, key(lo));
                    batch.delete(records, key(lo));
                    lo++;
                    it.next();
                }
            }
            while (over(lo, seq, size) && lo < seq) { // more new items than the table holds
                int i = (int) (lo - committedNext);
                if (i >= 0 && i < newItems.size()) {
                    size -= newItems.get(i).length + newRecords.get(i).length;
                }
                batch.delete(items, key(lo));
                batch.delete(records, key(lo));
                lo++;
                removed++;
            }
        }
        batch.put(meta, metaKey("first"), key(lo));
        batch.put(meta, metaKey("next"), key(seq));
        batch.put(meta, metaKey("bytes"), key(size));
        batch.put(meta, metaKey("inserted"), key(inserted.get() + newItems.size()));
        batch.put(meta, metaKey("evicted"), key(evicted.get() + removed));
        return new Staged(lo, seq, size, newItems.size(), removed, puts);
    }

    private boolean over(long lo, long seq, long size) {
        return seq - lo > settings.capacity() || (settings.capacityBytes() > 0 && size > settings.capacityBytes()
                && seq - lo > 1);
    }

    /**
     * Fills rows {@code from}.. of {@code batch} with the items {@code seqs}; returns the rows
     * whose item was gone or damaged (damaged ones are counted), for the sampler to draw again.
     */
    @Override
    public List<Integer> fill(Batch batch, int from, long[] seqs, int count) {
        List<byte[]> keys = new ArrayList<>(count);
        List<Integer> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (mirror != null && mirror.read(seqs[i], codec, batch, from + i)) {
                batch.ids()[from + i] = ((long) index << 56) | seqs[i];
            } else {
                keys.add(key(seqs[i]));
                rows.add(i);
            }
        }
        List<Integer> missed = new ArrayList<>(0);
        if (keys.isEmpty()) {
            return missed;
        }
        List<byte[]> values;
        try {
            values = db.multiGetAsList(Collections.nCopies(keys.size(), items), keys);
        } catch (RocksDBException e) {
            throw new IllegalStateException("replay table " + name() + ": read failed: " + e.getMessage(), e);
        }
        for (int k = 0; k < keys.size(); k++) {
            int i = rows.get(k);
            byte[] value = values.get(k);
            if (value != null && codec.valid(value)) {
                codec.read(value, batch, from + i);
                batch.ids()[from + i] = ((long) index << 56) | seqs[i];
            } else {
                if (value != null && corrupt.getAndIncrement() == 0) {
                    LOG.error("replay table {}: a damaged item (#{}) was skipped; further ones are only counted",
                            name(), seqs[i]);
                }
                missed.add(i);
            }
        }
        return missed;
    }

    /** Every stored transition record, oldest first. */
    public void forEachRecord(Consumer<byte[]> action) {
        try (RocksIterator it = db.newIterator(records)) {
            for (it.seek(key(first.get())); it.isValid(); it.next()) {
                action.accept(it.value());
            }
        }
    }

    /** Counts items drawn from this table. */
    public void countSampled(int n) {
        sampled.addAndGet(n);
    }

    @Override
    public String name() {
        return settings.name().id();
    }

    public int index() {
        return index;
    }

    public TableSettings settings() {
        return settings;
    }

    public ItemSampler sampler() {
        return sampler;
    }

    public RateLimiter limiter() {
        return limiter;
    }

    @Override
    public long first() {
        return first.get();
    }

    @Override
    public long next() {
        return next.get();
    }

    @Override
    public long size() {
        return next.get() - first.get();
    }

    /** Bytes of the items and their records. */
    public long bytes() {
        return bytes.get();
    }

    @Override
    public long inserted() {
        return inserted.get();
    }

    public long evicted() {
        return evicted.get();
    }

    public long sampled() {
        return sampled.get();
    }

    @Override
    public long corrupt() {
        return corrupt.get();
    }

    private long readLong(String name) throws RocksDBException {
        byte[] v = db.get(meta, metaKey(name));
        return v == null ? 0 : ByteBuffer.wrap(v).getLong();
    }

    private byte[] metaKey(String name) {
        return ("table/" + settings.name().id() + "/" + name).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] key(long seq) {
        return ByteBuffer.allocate(Long.BYTES).putLong(seq).array();
    }
}
