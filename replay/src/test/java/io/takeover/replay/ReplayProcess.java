package io.takeover.replay;

import io.takeover.replay.table.TableName;
import io.takeover.replay.ingest.TransitionIngest;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The replay in a process of its own, for tests that kill it or starve it of heap:
 * {@code ingest <bootstrap> <dir>} follows the transitions topic and prints the table size;
 * {@code fill <dir> <items>} writes and samples more items than the heap holds.
 */
public final class ReplayProcess {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "ingest" -> ingest(args[1], Path.of(args[2]));
            case "fill" -> fill(Path.of(args[1]), Integer.parseInt(args[2]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    public static ReplaySettings settingsFor(Path dir) {
        return ReplaySettings.defaults(dir, "pendulum", 3, 1, 10_000_000, 1).withCacheBytes(8 << 20);
    }

    private static void ingest(String bootstrap, Path dir) throws Exception {
        try (ReplayStore store = ReplayStore.open(settingsFor(dir));
                TransitionIngest ingest = new TransitionIngest(KafkaConnection.to(bootstrap), store).start()) {
            Table online = store.table(TableName.ONLINE);
            while (true) {
                System.out.println("size " + online.size());
                System.out.flush();
                Thread.sleep(100);
            }
        }
    }

    private static void fill(Path dir, int items) throws Exception {
        try (ReplayStore store = ReplayStore.open(settingsFor(dir))) {
            for (int i = 0; i < items; i += 1000) {
                List<Transition> ts = Transitions.range(i, i + 1000);
                store.insert(ts, Transitions.wire(ts), Map.of());
            }
            Table online = store.table(TableName.ONLINE);
            Batch batch = Batch.allocate(256, 3, 1);
            Random rng = new Random(1);
            for (int k = 0; k < 200; k++) {
                online.sampler().sample(online, batch, 0, 256, rng);
            }
            List<Long> sizes = new ArrayList<>();
            sizes.add(online.size());
            sizes.add(online.bytes());
            System.out.println("filled " + sizes.get(0) + " " + sizes.get(1) + " heap "
                    + Runtime.getRuntime().maxMemory());
        }
    }

    private ReplayProcess() {}
}
