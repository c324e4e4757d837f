package io.takeover.replay.ingest;

import io.takeover.replay.table.TableName;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.takeover.kafka.EmbeddedKafka;
import io.takeover.replay.Transitions;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransitionIngestIT {

    @Test
    void aRestartedIngestResumesFromTheStoreWithNothingLostOrDoubled(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection(), 3);
            ReplaySettings settings = ReplaySettings.defaults(dir.resolve("replay"), "pendulum", 3, 1, 100_000, 1);

            produce(kafka.bootstrapServers(), 0, 500);
            Transition wrongDims = Transitions.transition("pendulum", 9999);
            wrongDims.setAction(List.of(1f, 2f));
            Transition otherTask = Transitions.transition("reacher", 9998);
            send(kafka.bootstrapServers(), List.of(wrongDims, otherTask));

            try (ReplayStore store = ReplayStore.open(settings);
                    TransitionIngest ingest = new TransitionIngest(kafka.connection(), store)
                            .start()) {
                await(() -> online(store).size() == 500 && ingest.refused() == 1);
            }
            produce(kafka.bootstrapServers(), 500, 800);
            try (ReplayStore store = ReplayStore.open(settings);
                    TransitionIngest ingest = new TransitionIngest(kafka.connection(), store)
                            .start()) {
                await(() -> online(store).size() >= 800);
                Thread.sleep(500); // anything re-read would show up now
                assertEquals(800, online(store).size(), "each transition exactly once across the restart");
                assertEquals(80, store.table(TableName.INTERVENTION).size(), "the takeovers also here");
                assertEquals(0, ingest.refused(), "the refused one is behind the stored offsets");
            }
        }
    }

    private static io.takeover.replay.table.Table online(ReplayStore store) {
        return store.table(TableName.ONLINE);
    }

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("ingest did not catch up within 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static void produce(String bootstrap, int from, int to) throws Exception {
        List<Transition> list = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(Transitions.transition("pendulum", i));
        }
        send(bootstrap, list);
    }

    private static void send(String bootstrap, List<Transition> transitions) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Transition t : transitions) {
                producer.send(new ProducerRecord<>(Topics.DEFAULT.transitions(), "r" + (t.getStep() % 7),
                        Codecs.TRANSITION.encode(t)));
            }
            producer.flush();
        }
    }
}
