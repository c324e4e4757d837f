package io.takeover.replay.ingest;

import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds the replay store from {@code takeover.transitions}, exactly once: only committed
 * transactions are read, and the positions are stored with the items in one RocksDB batch, so
 * a restart resumes from the store, never from Kafka's group offsets.
 */
public final class TransitionIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransitionIngest.class);

    private final ReplayStore store;
    private final AtomicLong refused = new AtomicLong();
    private final TopicFollower follower;

    public TransitionIngest(KafkaConnection kafka, ReplayStore store) {
        this.store = store;
        Properties settings = new Properties();
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.follower = new TopicFollower(kafka, kafka.topics().transitions(), settings, store.offsets(),
                this::ingest);
    }

    public TransitionIngest start() {
        follower.start();
        return this;
    }

    /** Transitions on the topic not yet in the store. */
    public long lag() {
        return follower.lag();
    }

    /** Transitions refused because they cannot be read or do not fit the task's dimensions. */
    public long refused() {
        return refused.get();
    }

    private void ingest(ConsumerRecords<String, byte[]> records) {
        List<Transition> accepted = new ArrayList<>(records.count());
        List<byte[]> wire = new ArrayList<>(records.count());
        Map<Integer, Long> positions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            positions.put(record.partition(), record.offset() + 1);
            Transition t;
            String problem;
            try {
                t = Codecs.TRANSITION.decode(record.value());
                problem = !t.getTask().equals(store.settings().task()) ? "" : store.codec().mismatch(t);
            } catch (WireFormatException e) {
                t = null;
                problem = e.getMessage();
            }
            if (problem == null) {
                accepted.add(t);
                wire.add(record.value());
            } else if (!problem.isEmpty() && refused.getAndIncrement() < 10) { // "": another task's learner keeps it
                LOG.warn("transition at {}-{}@{} refused: {}", record.topic(), record.partition(), record.offset(),
                        problem);
            }
        }
        store.insert(accepted, wire, positions);
    }

    @Override
    public void close() {
        follower.close();
    }
}
