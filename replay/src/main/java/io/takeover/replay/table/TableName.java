package io.takeover.replay.table;

import java.util.Arrays;
import java.util.Locale;

/** The replay's tables: every transition, the operators' and takeover-labelled ones, and imported data. */
public enum TableName {
    ONLINE,
    INTERVENTION,
    PRIOR;

    /** As in RocksDB's column families, metrics and on the command line: {@code online}, … */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The table with this id; a wrong one says which there are. */
    public static TableName of(String id) {
        return Arrays.stream(values()).filter(t -> t.id().equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no replay table '" + id + "'; there are "
                        + Arrays.stream(values()).map(TableName::id).toList()));
    }

    @Override
    public String toString() {
        return id();
    }
}
