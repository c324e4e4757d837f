package io.takeover.replay.store;

import io.takeover.replay.store.MixedSampler;
import io.takeover.replay.table.ItemCodec;
import io.takeover.replay.table.Table;
import io.takeover.replay.table.TableName;
import io.takeover.replay.table.TableSettings;
import io.takeover.schemas.Transition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * Durable replay for one task in one RocksDB: the {@code online}, {@code intervention} and
 * {@code prior} tables, and the Kafka positions ingest has read up to, which are written in the
 * same atomic batch as the items they brought. Larger than memory is fine: only the block
 * cache and the ring bounds live in the heap.
 */
public final class ReplayStore implements AutoCloseable {

    private static final String OFFSET_PREFIX = "offset/";

    static {
        RocksDB.loadLibrary();
    }

    private final ReplaySettings settings;
    private final ItemCodec codec;
    private final RocksDB db;
    private final LRUCache cache;
    private final ColumnFamilyOptions cfOptions;
    private final DBOptions dbOptions;
    private final WriteOptions writeOptions;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final ColumnFamilyHandle meta;
    private final Map<TableName, Table> tables = new EnumMap<>(TableName.class);
    private final MixedSampler sampler;
    private final Object writeLock = new Object();
    private final boolean readOnly;

    private ReplayStore(ReplaySettings settings, boolean readOnly) throws RocksDBException {
        this.settings = settings;
        this.readOnly = readOnly;
        this.codec = new ItemCodec(settings.obsDim(), settings.actDim());
        this.cache = new LRUCache(settings.cacheBytes());
        this.cfOptions = new ColumnFamilyOptions()
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(16 << 10));
        this.dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
        this.writeOptions = new WriteOptions();
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions));
        for (TableSettings t : settings.tables()) {
            descriptors.add(new ColumnFamilyDescriptor(t.name().id().getBytes(StandardCharsets.UTF_8), cfOptions));
            descriptors.add(new ColumnFamilyDescriptor((t.name().id() + ".records").getBytes(StandardCharsets.UTF_8),
                    cfOptions));
        }
        this.db = readOnly ? RocksDB.openReadOnly(dbOptions, settings.dir().toString(), descriptors, handles)
                : RocksDB.open(dbOptions, settings.dir().toString(), descriptors, handles);
        this.meta = handles.get(0);
        int i = 0;
        for (TableSettings t : settings.tables()) {
            long capacities = settings.tables().stream().mapToLong(TableSettings::capacity).sum();
            long mirror = (long) (settings.mirrorBytes() * ((double) t.capacity() / capacities));
            tables.put(t.name(), Table.open(i, t, codec, db, meta, handles.get(1 + 2 * i),
                    handles.get(2 + 2 * i), mirror));
            i++;
        }
        List<MixedSampler.Part> parts = new ArrayList<>();
        for (Table t : tables.values()) {
            double share = settings.mix().getOrDefault(t.settings().name(), 0.0);
            if (share > 0) {
                parts.add(new MixedSampler.Part(t, share));
            }
        }
        this.sampler = new MixedSampler(parts, settings.mixPerItem());
    }

    /**
     * Opens (or creates) the store.
     *
     * @throws IllegalStateException with what to do when it cannot be opened
     */
    public static ReplayStore open(ReplaySettings settings) {
        try {
            Files.createDirectories(settings.dir());
            return new ReplayStore(settings, false);
        } catch (Exception e) {
            throw new IllegalStateException("cannot open replay store at " + settings.dir() + ": " + e.getMessage()
                    + " (is another process using it?)", e);
        }
    }

    /**
     * Opens the store as it is now, for reading only: works while another process writes it,
     * and sees none of that process's later writes.
     */
    public static ReplayStore openReadOnly(ReplaySettings settings) {
        if (!Files.isDirectory(settings.dir())) {
            throw new IllegalStateException("no replay store at " + settings.dir());
        }
        try {
            return new ReplayStore(settings, true);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read replay store at " + settings.dir() + ": " + e.getMessage(),
                    e);
        }
    }

    public ReplaySettings settings() {
        return settings;
    }

    public ItemCodec codec() {
        return codec;
    }

    public Table table(TableName name) {
        return tables.get(name);
    }

    public List<Table> tables() {
        return List.copyOf(tables.values());
    }

    /** Draws batches from the tables in the settings' mix. */
    public MixedSampler sampler() {
        return sampler;
    }

    /**
     * Inserts transitions as the fleet produced them: every one into {@code online}, operator and
     * takeover-labelled ones also into {@code intervention}, together with the Kafka positions
     * they were read up to, atomically: after a crash either all are there or none, so ingest
     * resumes exactly where the items end.
     *
     * @param transitions decoded transitions of this task, dimensions checked
     * @param wire        the same transitions as received
     * @param nextOffsets partition → next offset to read
     */
    public void insert(List<Transition> transitions, List<byte[]> wire, Map<Integer, Long> nextOffsets) {
        List<byte[]> items = new ArrayList<>(transitions.size());
        List<byte[]> interventionItems = new ArrayList<>();
        List<byte[]> interventionRecords = new ArrayList<>();
        for (int i = 0; i < transitions.size(); i++) {
            byte[] item = codec.encode(transitions.get(i), wire.get(i).length);
            items.add(item);
            if (ItemCodec.intervention(item)) {
                interventionItems.add(item);
                interventionRecords.add(wire.get(i));
            }
        }
        write(Map.of(TableName.ONLINE, new Rows(items, wire),
                TableName.INTERVENTION, new Rows(interventionItems, interventionRecords)), nextOffsets);
    }

    /**
     * Inserts transitions into one table, e.g. demonstrations into {@code prior}.
     *
     * @throws IllegalArgumentException when a transition does not fit the task's dimensions
     */
    public void insertInto(TableName table, List<Transition> transitions, List<byte[]> wire) {
        List<byte[]> items = new ArrayList<>(transitions.size());
        for (int i = 0; i < transitions.size(); i++) {
            items.add(codec.encode(transitions.get(i), wire.get(i).length));
        }
        write(Map.of(table, new Rows(items, wire)), Map.of());
    }

    private record Rows(List<byte[]> items, List<byte[]> records) {}

    private void write(Map<TableName, Rows> rows, Map<Integer, Long> nextOffsets) {
        synchronized (writeLock) {
            List<Table.Staged> staged = new ArrayList<>();
            try (WriteBatch batch = new WriteBatch()) {
                for (Table t : tables.values()) { // a fixed order, whatever the map's
                    Rows r = rows.get(t.settings().name());
                    if (r != null && !r.items().isEmpty()) {
                        staged.add(t.stage(batch, r.items(), r.records()));
                    }
                }
                for (Map.Entry<Integer, Long> offset : nextOffsets.entrySet()) {
                    batch.put(meta, (OFFSET_PREFIX + offset.getKey()).getBytes(StandardCharsets.UTF_8),
                            ByteBuffer.allocate(Long.BYTES).putLong(offset.getValue()).array());
                }
                db.write(writeOptions, batch);
            } catch (RocksDBException e) {
                throw new IllegalStateException("replay write failed: " + e.getMessage(), e);
            }
            staged.forEach(Table.Staged::commit);
        }
    }

    /** The stored next offset of every partition ingest has read from. */
    public Map<Integer, Long> offsets() {
        Map<Integer, Long> offsets = new HashMap<>();
        try (var it = db.newIterator(meta)) {
            byte[] prefix = OFFSET_PREFIX.getBytes(StandardCharsets.UTF_8);
            for (it.seek(prefix); it.isValid(); it.next()) {
                String k = new String(it.key(), StandardCharsets.UTF_8);
                if (!k.startsWith(OFFSET_PREFIX)) {
                    break;
                }
                offsets.put(Integer.parseInt(k.substring(OFFSET_PREFIX.length())),
                        ByteBuffer.wrap(it.value()).getLong());
            }
        }
        return offsets;
    }

    @Override
    public void close() {
        synchronized (writeLock) {
            tables.values().forEach(Table::close);
            if (!readOnly) {
                try (FlushOptions flush = new FlushOptions().setWaitForFlush(true)) {
                    db.flush(flush, handles); // a reopen then has no log to replay
                } catch (RocksDBException e) {
                    // the write-ahead log still has everything; the next open replays it
                }
            }
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            writeOptions.close();
            dbOptions.close();
            cfOptions.close();
            cache.close();
        }
    }
}
