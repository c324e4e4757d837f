package io.takeover.flink.ingest;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes at the source, so that watermarks are generated per Kafka partition from event
 * times: a partition read in a burst after a restart cannot make another one's steps late.
 */
public final class InputDeserializer implements KafkaRecordDeserializationSchema<InputRecord> {

    private final InputDecoder decoder;

    public InputDeserializer(InputDecoder decoder) {
        this.decoder = decoder;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<InputRecord> out) {
        out.collect(decoder.decode(new RawRecord(record.topic(), record.partition(), record.offset(),
                record.timestamp(), record.key(), record.value())));
    }

    @Override
    public TypeInformation<InputRecord> getProducedType() {
        return TypeInformation.of(InputRecord.class);
    }
}
