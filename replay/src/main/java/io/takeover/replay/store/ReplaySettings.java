package io.takeover.replay.store;

import java.nio.file.Path;

/**
 * @param dir      where the RocksDB files live
 * @param task     the task this replay holds; transitions of other tasks are not its business
 * @param obsDim   observation length of the task
 * @param actDim   action length of the task
 * @param capacity items kept in the online table; the oldest go first
 */
public record ReplaySettings(Path dir, String task, int obsDim, int actDim, long capacity) {

    public ReplaySettings {
        if (obsDim < 1 || actDim < 1) {
            throw new IllegalArgumentException("obs and action dimensions must be >= 1");
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
        }
    }
}
