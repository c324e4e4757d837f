package io.takeover.flink.ingest;

import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of tasks ({@code takeover.tasks}) as the label job's sources see it: read to its
 * end when first used, and read to its end again when a step names a task it does not hold (at
 * most once a second per name). A robot registers its task before it streams, so a task
 * registered before its step was read is always found; a step of a task registered after it is
 * refused. The registry is the state: nothing of it goes into checkpoints, and a restarted job
 * reads it afresh. One per Kafka connection and JVM, shared by the sources' readers.
 */
public final class RegistryDirectory implements TaskDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryDirectory.class);
    private static final Map<KafkaConnection, RegistryDirectory> SHARED = new ConcurrentHashMap<>();
    private static final long RECHECK_NANOS = Duration.ofSeconds(1).toNanos();
    private static final Duration CATCH_UP = Duration.ofSeconds(10);

    private final TaskRegistry.Reader reader; // guarded by this
    private int refusalsLogged; // guarded by this
    private volatile Map<String, int[]> dims = Map.of();
    private final Map<String, Long> lastLookup = new ConcurrentHashMap<>();

    public static TaskDirectory.Factory factory(KafkaConnection kafka) {
        return () -> SHARED.computeIfAbsent(kafka, RegistryDirectory::new);
    }

    private RegistryDirectory(KafkaConnection kafka) {
        reader = new TaskRegistry.Reader(kafka, CATCH_UP);
        catchUp();
    }

    @Override
    public int[] dims(String task) {
        int[] known = dims.get(task);
        if (known != null) {
            return known;
        }
        long now = System.nanoTime();
        Long last = lastLookup.get(task);
        if (last == null || now - last >= RECHECK_NANOS) {
            lastLookup.put(task, now);
            catchUp();
        }
        return dims.get(task);
    }

    @Override
    public Set<String> names() {
        return new TreeSet<>(dims.keySet());
    }

    /** Reads the registry to its end as of now. */
    private synchronized void catchUp() {
        TaskRegistry.Snapshot registry;
        try {
            registry = reader.catchUp(CATCH_UP);
        } catch (RuntimeException e) {
            LOG.warn("could not read the registry of tasks to its end: {}", e.toString());
            return;
        }
        List<String> refused = registry.refused();
        refused.subList(refusalsLogged, refused.size()).forEach(r -> LOG.warn("task registration refused: {}", r));
        refusalsLogged = refused.size();
        Map<String, int[]> next = new HashMap<>();
        for (TaskSpec spec : registry.tasks().values()) {
            next.put(spec.name(), new int[] {spec.obsDim(), spec.actDim()});
        }
        dims = Map.copyOf(next);
    }
}
