package io.takeover.replay.ingest;

import io.takeover.replay.table.TableName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.kafka.EmbeddedKafka;
import io.takeover.replay.ReplayProcess;
import io.takeover.replay.Transitions;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.wire.Codecs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kill -9 the ingest process at random points, again and again: every transition is stored exactly once. */
class IngestCrashIT {

    private static final int BURST = 4_000;
    private static final int KILLS = 5;

    @Test
    void killedAtRandomPointsTheTableHoldsEveryTransitionExactlyOnce(@TempDir Path dir) throws Exception {
        Path replay = dir.resolve("replay");
        Random random = new Random(42);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection(), 3);
            int produced = 0;
            for (int k = 0; k < KILLS; k++) {
                produce(kafka.bootstrapServers(), produced, produced + BURST);
                produced += BURST;
                Process ingest = start(kafka.bootstrapServers(), replay);
                Thread.sleep(600 + random.nextInt(1500)); // somewhere in the middle of its work, or after
                ingest.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no shutdown hook, no flush
            }
            Process ingest = start(kafka.bootstrapServers(), replay);
            try (BufferedReader out = new BufferedReader(new InputStreamReader(ingest.getInputStream()))) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                String line;
                while ((line = out.readLine()) != null && !line.equals("size " + produced)) {
                    assertTrue(System.nanoTime() < deadline, "ingest did not catch up: " + line);
                }
                Thread.sleep(500); // anything read twice would show up now
            } finally {
                ingest.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }

            try (ReplayStore store = ReplayStore.open(ReplayProcess.settingsFor(replay))) {
                Table online = store.table(TableName.ONLINE);
                assertEquals(produced, online.size(), "no transition lost, none doubled");
                Map<Long, Integer> copies = new HashMap<>();
                online.forEachRecord(bytes -> copies.merge(Codecs.TRANSITION.decode(bytes).getStep(), 1, Integer::sum));
                assertEquals(produced, copies.size(), "every step is there");
                assertTrue(copies.values().stream().allMatch(n -> n == 1), "each exactly once");
                assertEquals(produced / 10, store.table(TableName.INTERVENTION).size());
            }
        }
    }

    private static Process start(String bootstrap, Path replay) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), ReplayProcess.class.getName(), "ingest", bootstrap,
                replay.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void produce(String bootstrap, int from, int to) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            List<Transition> ts = Transitions.range(from, to);
            for (Transition t : ts) {
                producer.send(new ProducerRecord<>(Topics.DEFAULT.transitions(), "r" + (t.getStep() % 7),
                        Codecs.TRANSITION.encode(t)));
            }
        }
    }
}
