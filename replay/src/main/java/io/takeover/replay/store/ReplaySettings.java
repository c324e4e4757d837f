package io.takeover.replay.store;

import io.takeover.replay.sample.RateLimit;
import io.takeover.replay.table.TableName;
import io.takeover.replay.table.TableSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * @param dir        where the RocksDB files live
 * @param task       the task this replay holds; transitions of other tasks are not its business
 * @param obsDim     observation length of the task
 * @param actDim     action length of the task
 * @param cacheBytes  RocksDB block cache
 * @param mirrorBytes memory for the newest items of the tables (shared by capacity): sampling
 *                    those runs at the speed of an array; older ones are read from RocksDB
 * @param tables     the tables, {@code online}, {@code intervention} and {@code prior}
 * @param mix        each table's share of a sampled batch, or of each of its items when {@code mixPerItem}
 * @param mixPerItem a table's part of a batch is proportional to share × its size (one buffer)
 */
public record ReplaySettings(Path dir, String task, int obsDim, int actDim, long cacheBytes, long mirrorBytes,
        List<TableSettings> tables, Map<TableName, Double> mix, boolean mixPerItem) {

    public ReplaySettings {
        if (obsDim < 1 || actDim < 1) {
            throw new IllegalArgumentException("obs and action dimensions must be >= 1");
        }
        List<TableName> names = tables.stream().map(TableSettings::name).toList();
        if (!names.equals(List.of(TableName.values()))) {
            throw new IllegalArgumentException("replay tables must be online, intervention, prior; got " + names);
        }
        tables = List.copyOf(tables);
        EnumMap<TableName, Double> shares = new EnumMap<>(TableName.class);
        shares.putAll(mix);
        mix = shares;
    }

    /**
     * Every transition in {@code online} (FIFO, {@code capacity} items); operator and takeover
     * transitions also in {@code intervention} (half as many); imported data and demonstrations in
     * {@code prior}; batches half online, half prior data ({@link BatchMix#SYMMETRIC}); sampling starts at
     * {@code minSize} online items; the newest items in up to 256 MB (a quarter of the heap at
     * most) of memory.
     */
    public static ReplaySettings defaults(Path dir, String task, int obsDim, int actDim, long capacity, long minSize) {
        RateLimit start = new RateLimit(minSize, 0, 0, Duration.ofMinutes(10));
        long mirror = Math.min(256L << 20, Runtime.getRuntime().maxMemory() / 4); // a quarter of the heap at most
        return new ReplaySettings(dir, task, obsDim, actDim, 64L << 20, mirror, List.of(
                TableSettings.fifo(TableName.ONLINE, capacity).withRateLimit(start),
                TableSettings.fifo(TableName.INTERVENTION, Math.max(1, capacity / 2)),
                TableSettings.fifo(TableName.PRIOR, capacity)),
                BatchMix.SYMMETRIC.shares(), BatchMix.SYMMETRIC.perItem());
    }

    public ReplaySettings withTable(TableSettings table) {
        return new ReplaySettings(dir, task, obsDim, actDim, cacheBytes, mirrorBytes,
                tables.stream().map(t -> t.name().equals(table.name()) ? table : t).toList(), mix, mixPerItem);
    }

    /** Fixed shares of every batch. */
    public ReplaySettings withMix(Map<TableName, Double> m) {
        return new ReplaySettings(dir, task, obsDim, actDim, cacheBytes, mirrorBytes, tables, m, false);
    }

    public ReplaySettings withMix(BatchMix m) {
        return new ReplaySettings(dir, task, obsDim, actDim, cacheBytes, mirrorBytes, tables, m.shares(), m.perItem());
    }

    public ReplaySettings withCacheBytes(long bytes) {
        return new ReplaySettings(dir, task, obsDim, actDim, bytes, mirrorBytes, tables, mix, mixPerItem);
    }

    public ReplaySettings withMirrorBytes(long bytes) {
        return new ReplaySettings(dir, task, obsDim, actDim, cacheBytes, bytes, tables, mix, mixPerItem);
    }

    public TableSettings table(TableName name) {
        return tables.get(name.ordinal());
    }
}
