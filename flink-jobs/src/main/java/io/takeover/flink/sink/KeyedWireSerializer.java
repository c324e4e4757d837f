package io.takeover.flink.sink;

import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.wire.WireCodec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes a record of the contract to its topic: the key a string from the record, the value
 * its single-object encoding, the Kafka timestamp the element's event time.
 */
public final class KeyedWireSerializer<T> implements KafkaRecordSerializationSchema<T> {

    static {
        ContractTrust.ensure();
    }

    /** A serializable key extractor. */
    public interface KeyOf<T> extends Serializable {
        String of(T value);
    }

    private final String topic;
    private final KeyOf<T> key;
    private final WireCodec<T> codec;

    public KeyedWireSerializer(String topic, KeyOf<T> key, WireCodec<T> codec) {
        this.topic = topic;
        this.key = key;
        this.codec = codec;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key.of(element).getBytes(StandardCharsets.UTF_8),
                codec.encode(element));
    }
}
