package io.takeover.replay.store;

import io.takeover.replay.table.TableName;
import java.util.Arrays;
import java.util.Map;

/** How a batch is drawn from the tables: the mixes a learner can be started with. */
public enum BatchMix {

    /** RLPD's symmetric sampling: half of each batch online, half prior data (all online while there is none). */
    SYMMETRIC("symmetric", Map.of(TableName.ONLINE, 0.5, TableName.PRIOR, 0.5), false),
    /** One buffer, as the RLIF scripts: every online and prior item equally likely. */
    UNIFORM("uniform", Map.of(TableName.ONLINE, 1.0, TableName.PRIOR, 1.0), true),
    /** Half online, a quarter operator corrections and takeovers, a quarter prior data. */
    INTERVENTIONS("interventions", Map.of(TableName.ONLINE, 0.5, TableName.INTERVENTION, 0.25, TableName.PRIOR, 0.25),
            false);

    private final String id;
    private final Map<TableName, Double> shares;
    private final boolean perItem;

    BatchMix(String id, Map<TableName, Double> shares, boolean perItem) {
        this.id = id;
        this.shares = shares;
        this.perItem = perItem;
    }

    /** Each table's share: of every batch, or, when {@link #perItem}, of each of its items. */
    public Map<TableName, Double> shares() {
        return shares;
    }

    /** Whether a table's part of a batch grows with its size (one buffer) rather than being fixed. */
    public boolean perItem() {
        return perItem;
    }

    public String id() {
        return id;
    }

    /** The mix with this id; a wrong one says which there are. */
    public static BatchMix of(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("batch mix must be one of "
                        + Arrays.toString(Arrays.stream(values()).map(BatchMix::id).toArray()) + ", got '" + id + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}
