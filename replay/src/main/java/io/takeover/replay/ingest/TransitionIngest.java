package io.takeover.replay.ingest;

import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.Transition;
import io.takeover.schemas.Topics;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
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
    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong otherTasks = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public TransitionIngest(String bootstrapServers, Topics topics, ReplayStore store) {
        this.store = store;
        this.topic = topics.transitions();
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "replay-ingest-" + store.settings().task());
        this.thread.setDaemon(true);
    }

    public TransitionIngest start() {
        thread.start();
        return this;
    }

    /** Transitions refused because they cannot be read or do not fit the task's dimensions. */
    public long refused() {
        return refused.get();
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            Map<Integer, Long> stored = store.offsets();
            for (TopicPartition tp : partitions) {
                Long offset = stored.get(tp.partition());
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset);
                }
            }
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    ingest(records);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("replay ingest stopped: {}", e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void ingest(ConsumerRecords<String, byte[]> records) {
        List<byte[]> accepted = new ArrayList<>(records.count());
        Map<Integer, Long> positions = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            positions.put(record.partition(), record.offset() + 1);
            String problem = check(record.value());
            if (problem == null) {
                accepted.add(record.value());
            } else if (!problem.isEmpty() && refused.getAndIncrement() < 10) {
                LOG.warn("transition at {}-{}@{} refused: {}", record.topic(), record.partition(), record.offset(),
                        problem);
            }
        }
        store.append(accepted, positions);
    }

    /** @return null to accept, "" for another task's transition, else why it is refused */
    private String check(byte[] value) {
        Transition t;
        try {
            t = Codecs.TRANSITION.decode(value);
        } catch (WireFormatException e) {
            return e.getMessage();
        }
        if (!t.getTask().equals(store.settings().task())) {
            otherTasks.incrementAndGet();
            return "";
        }
        int obs = store.settings().obsDim();
        int act = store.settings().actDim();
        if (t.getObservation().size() != obs || t.getNextObservation().size() != obs || t.getAction().size() != act) {
            return "dimensions " + t.getObservation().size() + "/" + t.getAction().size() + " do not match task "
                    + t.getTask() + "'s " + obs + "/" + act;
        }
        return null;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
