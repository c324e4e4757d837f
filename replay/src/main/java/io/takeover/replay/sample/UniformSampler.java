package io.takeover.replay.sample;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Every item equally likely, with replacement: sequence numbers drawn between the ring's bounds. */
final class UniformSampler implements ItemSampler {

    @Override
    public void sample(SampledItems table, Batch batch, int from, int count, Random rng) {
        long[] seqs = new long[count];
        int[] rows = new int[count];
        for (int i = 0; i < count; i++) {
            rows[i] = from + i;
        }
        int pending = count;
        for (int round = 0; pending > 0; round++) {
            long lo = table.first();
            long n = table.next() - lo;
            if (n <= 0) {
                throw new IllegalStateException("cannot sample the empty replay table " + table.name());
            }
            if (round > 100) {
                throw new IllegalStateException("replay table " + table.name() + " holds no readable items ("
                        + table.corrupt() + " damaged)");
            }
            for (int i = 0; i < pending; i++) {
                seqs[i] = lo + (long) (rng.nextDouble() * n);
            }
            List<Integer> missed = fillRows(table, batch, rows, seqs, pending);
            for (int i = 0; i < missed.size(); i++) {
                rows[i] = rows[missed.get(i)];
            }
            pending = missed.size();
        }
        Arrays.fill(batch.weights(), from, from + count, 1f);
    }

    /** Fills the given rows, which need not be contiguous; returns the indexes into {@code rows} missed. */
    static List<Integer> fillRows(SampledItems table, Batch batch, int[] rows, long[] seqs, int count) {
        boolean contiguous = true;
        for (int i = 1; i < count && contiguous; i++) {
            contiguous = rows[i] == rows[0] + i;
        }
        if (contiguous) {
            return table.fill(batch, rows[0], seqs, count);
        }
        List<Integer> missed = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            if (!table.fill(batch, rows[i], new long[] {seqs[i]}, 1).isEmpty()) {
                missed.add(i);
            }
        }
        return missed;
    }
}
