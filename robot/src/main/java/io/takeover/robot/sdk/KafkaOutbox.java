package io.takeover.robot.sdk;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.wire.Codecs;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes steps and interventions to Kafka, keyed by robot id, with the event time as the
 * record timestamp. Idempotent producer: retries never duplicate or reorder a robot's records.
 */
public final class KafkaOutbox implements RobotOutbox {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaOutbox.class);

    private final KafkaProducer<String, byte[]> producer;
    private final Topics topics;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    public KafkaOutbox(String bootstrapServers, Topics topics) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.topics = topics;
    }

    @Override
    public void step(Step step) {
        send(topics.steps(), step.getRobotId(), step.getEventTime().toEpochMilli(), Codecs.STEP.encode(step));
    }

    @Override
    public void intervention(Intervention intervention) {
        send(topics.interventions(), intervention.getRobotId(), intervention.getEventTime().toEpochMilli(),
                Codecs.INTERVENTION.encode(intervention));
    }

    private void send(String topic, String key, long timestamp, byte[] value) {
        producer.send(new ProducerRecord<>(topic, null, timestamp, key, value), (metadata, error) -> {
            if (error == null) {
                sent.incrementAndGet();
            } else if (failed.getAndIncrement() == 0) {
                LOG.error("cannot publish to {}: {}", topic, error.toString());
            }
        });
    }

    /** Records Kafka acknowledged. */
    public long sent() {
        return sent.get();
    }

    /** Records Kafka refused after the producer's retries. */
    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
