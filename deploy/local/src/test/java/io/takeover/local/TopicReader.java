package io.takeover.local;

import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.wire.WireCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a whole topic as it is now, committed records only, decoded. */
final class TopicReader {

    static <T> List<T> readAll(String bootstrapServers, String topic, WireCodec<T> codec) {
        return readAll(KafkaConnection.to(bootstrapServers), topic, codec);
    }

    static <T> List<T> readAll(KafkaConnection kafka, String topic, WireCodec<T> codec) {
        List<T> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readRaw(kafka, topic)) {
            values.add(codec.decode(record.value()));
        }
        return values;
    }

    static List<ConsumerRecord<byte[], byte[]>> readRaw(String bootstrapServers, String topic) {
        return readRaw(KafkaConnection.to(bootstrapServers), topic);
    }

    static List<ConsumerRecord<byte[], byte[]>> readRaw(KafkaConnection kafka, String topic) {
        Properties props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private TopicReader() {}
}
