package io.takeover.replay.sample;

/**
 * A sum tree over a fixed number of slots: set a slot's priority and find the slot where a
 * prefix sum falls, both in O(log n). Not thread-safe.
 */
final class SumTree {

    private final int leaves;
    private final double[] tree;

    SumTree(int slots) {
        int n = 1;
        while (n < slots) {
            n <<= 1;
        }
        leaves = n;
        tree = new double[2 * n];
    }

    void set(int slot, double priority) {
        int i = slot + leaves;
        double delta = priority - tree[i];
        for (; i >= 1; i >>= 1) {
            tree[i] += delta;
        }
    }

    double get(int slot) {
        return tree[slot + leaves];
    }

    double total() {
        return tree[1];
    }

    /** The slot whose cumulative range holds {@code prefix}, 0 <= prefix < total. */
    int find(double prefix) {
        int i = 1;
        while (i < leaves) {
            int left = 2 * i;
            if (prefix < tree[left] || tree[left + 1] == 0) {
                i = left;
            } else {
                prefix -= tree[left];
                i = left + 1;
            }
        }
        return i - leaves;
    }
}
