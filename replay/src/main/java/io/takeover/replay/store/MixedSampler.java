package io.takeover.replay.store;

import io.takeover.replay.sample.Batch;
import io.takeover.replay.table.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Draws each batch from several tables in set proportions, e.g. half online and half from the
 * interventions and prior data, as in RLPD and HIL-SERL. An empty table's share goes to the
 * others, so learning starts before any intervention has been seen; each table's rate limiter
 * decides when its part may be drawn.
 */
public final class MixedSampler {

    /** A table and its share of every batch. */
    public record Part(Table table, double share) {}

    private final List<Part> parts;
    private final boolean perItem;

    public MixedSampler(List<Part> parts) {
        this(parts, false);
    }

    /** With {@code perItem}, a table's part of each batch is share × its size over the total: one buffer. */
    public MixedSampler(List<Part> parts, boolean perItem) {
        this.perItem = perItem;
        if (parts.isEmpty() || parts.stream().allMatch(p -> p.share() <= 0)) {
            throw new IllegalArgumentException("a replay mix needs at least one table with a positive share");
        }
        this.parts = List.copyOf(parts);
    }

    public List<Part> parts() {
        return parts;
    }

    /**
     * Fills the whole batch. Waits (within each table's deadline) while the first table of the
     * mix is empty or a rate limiter holds sampling back.
     */
    public void sample(Batch batch, Random rng) throws InterruptedException {
        int[] counts = plan(batch.size());
        int row = 0;
        for (int i = 0; i < parts.size(); i++) {
            if (counts[i] == 0) {
                continue;
            }
            Table table = parts.get(i).table();
            table.limiter().acquire(counts[i]);
            table.sampler().sample(table, batch, row, counts[i], rng);
            table.countSampled(counts[i]);
            row += counts[i];
        }
    }

    /** Passes new priorities to the tables the items came from (those sampled by priority). */
    public void updatePriorities(Batch batch, float[] priorities) {
        for (Part part : parts) {
            Table table = part.table();
            List<Integer> rows = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if ((int) (batch.ids()[i] >>> 56) == table.index()) {
                    rows.add(i);
                }
            }
            if (rows.isEmpty() || !table.settings().sampling().prioritized()) {
                continue;
            }
            long[] seqs = new long[rows.size()];
            float[] p = new float[rows.size()];
            for (int k = 0; k < rows.size(); k++) {
                seqs[k] = batch.ids()[rows.get(k)] & ((1L << 56) - 1);
                p[k] = priorities[rows.get(k)];
            }
            table.sampler().updatePriorities(seqs, p, 0, seqs.length);
        }
    }

    private double weight(Part p) {
        long items = p.table().size();
        return items == 0 ? 0 : perItem ? p.share() * items : p.share();
    }

    /** Rows per table: shares of the non-empty tables (the first table's if all are empty), rounded to add up. */
    int[] plan(int size) {
        double total = 0;
        for (Part p : parts) {
            total += weight(p);
        }
        int[] counts = new int[parts.size()];
        if (total <= 0) {
            counts[0] = size; // wait on the primary table
            return counts;
        }
        int given = 0;
        double[] remainders = new double[parts.size()];
        for (int i = 0; i < parts.size(); i++) {
            Part p = parts.get(i);
            double exact = size * weight(p) / total;
            counts[i] = (int) Math.floor(exact);
            remainders[i] = exact - counts[i];
            given += counts[i];
        }
        while (given < size) {
            int best = 0;
            for (int i = 1; i < parts.size(); i++) {
                if (remainders[i] > remainders[best]) {
                    best = i;
                }
            }
            counts[best]++;
            remainders[best] = -1;
            given++;
        }
        return counts;
    }
}
