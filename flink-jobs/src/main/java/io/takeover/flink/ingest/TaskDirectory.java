package io.takeover.flink.ingest;

import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/** Where the decoder finds a step's task: the registry, as it stands when the step is read. */
public interface TaskDirectory {

    /** @return {obs_dim, act_dim} of the task, or null when it is not registered */
    int[] dims(String task);

    /** The names of the registered tasks, for messages. */
    Set<String> names();

    /** Makes a task source's directory where the job runs (a directory itself need not travel). */
    @FunctionalInterface
    interface Factory extends Serializable {
        TaskDirectory open();
    }

    /** A directory that never changes: task → {obs_dim, act_dim}. */
    static Factory of(Map<String, int[]> dims) {
        Map<String, int[]> copy = Map.copyOf(dims);
        return () -> new TaskDirectory() {
            @Override
            public int[] dims(String task) {
                return copy.get(task);
            }

            @Override
            public Set<String> names() {
                return copy.keySet();
            }
        };
    }
}
