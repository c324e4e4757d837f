package io.takeover.local;

import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Topics;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows {@code takeover.fleet-stats} and keeps the newest cumulative totals per task × policy
 * version: the same figures a dashboard shows, read from the same topic.
 */
public final class FleetStatsBoard implements AutoCloseable {

    /** Cumulative figures of one policy version. */
    public record Totals(long steps, long takeovers, long episodes, long successes) {
        static Totals of(FleetStats s) {
            return new Totals(s.getSteps(), s.getTakeovers(), s.getEpisodes(), s.getSuccesses());
        }

        public double takeoversPer1k() {
            return steps == 0 ? 0 : 1000.0 * takeovers / steps;
        }

        public double successRate() {
            return episodes == 0 ? 0 : (double) successes / episodes;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String topic;
    private final String task;
    private final Map<Long, Totals> byVersion = new TreeMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    public FleetStatsBoard(String bootstrapServers, Topics topics, String task) {
        this.topic = topics.fleetStats();
        this.task = task;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "fleet-stats-board");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Totals per policy version, oldest first. */
    public synchronized Map<Long, Totals> totals() {
        return new TreeMap<>(byVersion);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    add(record.value());
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void add(byte[] value) {
        try {
            FleetStats stats = Codecs.FLEET_STATS.decode(value);
            if (stats.getCumulative() && stats.getTask().equals(task)) {
                byVersion.put(stats.getPolicyVersion(), Totals.of(stats));
            }
        } catch (WireFormatException e) {
            // written by our own job; an unreadable one is a bug the job's tests catch
        }
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
