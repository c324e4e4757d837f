package io.takeover.schemas.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every partition of one topic on a thread of its own, committed records only, from
 * given offsets or the beginning, and hands each non-empty poll to a handler. Positions are
 * the caller's business (no consumer group), so a follower can keep them with its own data.
 */
public final class TopicFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicFollower.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final Map<Integer, Long> startOffsets;
    private final Consumer<ConsumerRecords<String, byte[]>> handler;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long lag = -1;
    private volatile java.time.Instant startTime;

    /**
     * @param settings     consumer settings beyond the connection's own (may be empty)
     * @param startOffsets partition → first offset to read; partitions not in it start at the beginning
     */
    public TopicFollower(KafkaConnection kafka, String topic, Properties settings, Map<Integer, Long> startOffsets,
            Consumer<ConsumerRecords<String, byte[]>> handler) {
        Properties props = kafka.clientProperties();
        props.putAll(settings);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.startOffsets = Map.copyOf(startOffsets);
        this.handler = handler;
        this.thread = new Thread(this::run, "follow-" + topic);
        this.thread.setDaemon(true);
    }

    /**
     * Starts every partition at its first record written at or after {@code time} (its end when
     * none is), instead of the start offsets: for readers of live data, such as the console.
     */
    public TopicFollower startingAt(java.time.Instant time) {
        this.startTime = time;
        return this;
    }

    public TopicFollower start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            if (startTime != null) {
                Map<TopicPartition, Long> at = new java.util.HashMap<>();
                partitions.forEach(tp -> at.put(tp, startTime.toEpochMilli()));
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                consumer.offsetsForTimes(at).forEach((tp, found) ->
                        consumer.seek(tp, found == null ? ends.get(tp) : found.offset()));
            }
            for (TopicPartition tp : startTime != null ? List.<TopicPartition>of() : partitions) {
                Long offset = startOffsets.get(tp.partition());
                if (offset == null) {
                    consumer.seekToBeginning(List.of(tp));
                } else {
                    consumer.seek(tp, offset);
                }
            }
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (!records.isEmpty()) {
                    handler.accept(records);
                }
                long behind = 0;
                for (TopicPartition tp : partitions) {
                    behind += consumer.currentLag(tp).orElse(0);
                }
                lag = behind;
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("stopped following {}: {}", topic, e.toString(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** Records between the last one handled and the end of the topic, as of the last poll; -1 before. */
    public long lag() {
        return lag;
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
