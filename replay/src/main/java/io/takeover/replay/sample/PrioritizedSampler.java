package io.takeover.replay.sample;

import java.util.List;
import java.util.Random;

/**
 * Prioritized replay (Schaul et al.): item i is drawn with probability p_i^α / Σ p^α, in
 * stratified segments, and weighted (N·P(i))^-β / max. New items get the highest priority seen.
 * Priorities live in memory, in a sum tree over the ring's slots; after a restart every item
 * starts again at the highest priority.
 */
final class PrioritizedSampler implements ItemSampler {

    private static final double EPSILON = 1e-6;

    private final long capacity;
    private final double alpha;
    private final double beta;
    private final SumTree tree;
    private double maxPriority = 1.0;

    PrioritizedSampler(long capacity, Sampling sampling, long first, long next) {
        this.capacity = capacity;
        this.alpha = sampling.alpha();
        this.beta = sampling.beta();
        this.tree = new SumTree((int) capacity);
        for (long seq = first; seq < next; seq++) {
            tree.set(slot(seq), 1.0);
        }
    }

    @Override
    public void sample(SampledItems table, Batch batch, int from, int count, Random rng) {
        long[] seqs = new long[count];
        int[] rows = new int[count];
        double[] probabilities = new double[count];
        for (int round = 0; count > 0; round++) {
            if (round > 100) {
                throw new IllegalStateException("replay table " + table.name() + " holds no readable items");
            }
            long first = table.first();
            long n = table.next() - first;
            synchronized (this) {
                double total = tree.total();
                if (n <= 0 || total <= 0) {
                    throw new IllegalStateException("cannot sample the empty replay table " + table.name());
                }
                double segment = total / count;
                for (int i = 0; i < count; i++) {
                    int slot = tree.find(Math.min((i + rng.nextDouble()) * segment, Math.nextDown(total)));
                    seqs[i] = first + Math.floorMod(slot - first, capacity);
                    probabilities[i] = tree.get(slot) / total;
                    rows[i] = from + i;
                }
            }
            double maxWeight = 0;
            for (int i = 0; i < count; i++) {
                double w = Math.pow(n * probabilities[i], -beta);
                batch.weights()[from + i] = (float) w;
                maxWeight = Math.max(maxWeight, w);
            }
            for (int i = 0; i < count; i++) {
                batch.weights()[from + i] /= (float) maxWeight;
            }
            List<Integer> missed = UniformSampler.fillRows(table, batch, rows, seqs, count);
            if (missed.isEmpty()) {
                return;
            }
            // draw the missed rows again, one by one, at their place
            for (int m : missed) {
                sample(table, batch, from + m, 1, rng);
            }
            return;
        }
    }

    @Override
    public synchronized void onCommit(long oldFirst, long newFirst, long oldNext, long newNext) {
        for (long seq = oldFirst; seq < newFirst; seq++) {
            tree.set(slot(seq), 0);
        }
        double p = Math.pow(maxPriority, alpha);
        for (long seq = oldNext; seq < newNext; seq++) {
            tree.set(slot(seq), p);
        }
    }

    @Override
    public synchronized void updatePriorities(long[] seqs, float[] priorities, int from, int count) {
        for (int i = from; i < from + count; i++) {
            double p = Math.abs(priorities[i]) + EPSILON;
            maxPriority = Math.max(maxPriority, p);
            int slot = slot(seqs[i]);
            if (tree.get(slot) > 0) { // still held; an evicted item's slot stays empty
                tree.set(slot, Math.pow(p, alpha));
            }
        }
    }

    private int slot(long seq) {
        return (int) Math.floorMod(seq, capacity);
    }
}
