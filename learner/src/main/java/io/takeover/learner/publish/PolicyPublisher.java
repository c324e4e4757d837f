package io.takeover.learner.publish;

import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicReadout;
import io.takeover.schemas.policy.PolicySignature;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.release.PolicyArchive;
import io.takeover.schemas.wire.Codecs;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Signs policy snapshots with the learner's key and files them in the version archive,
 * {@code takeover.policies}, under {@code task/version}; waits for the broker's ack. Each is a
 * candidate: robots run it once a release channel points to it, and only if a key they trust
 * signed it.
 */
public final class PolicyPublisher implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConnection kafka;
    private final SigningKey key;
    private final String topic;

    public PolicyPublisher(KafkaConnection kafka, SigningKey key) {
        this.kafka = kafka;
        this.key = java.util.Objects.requireNonNull(key, "a policy signing key (takeover keys generate)");
        this.topic = kafka.topics().policies();
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Signs the snapshot and publishes it. */
    public void publish(PolicySnapshot snapshot) {
        byte[] signed = Codecs.POLICY_SNAPSHOT.encode(PolicySignature.sign(snapshot, key));
        try {
            producer.send(new ProducerRecord<>(topic, PolicyArchive.key(snapshot.getTask(), snapshot.getVersion()),
                    signed)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot publish policy " + snapshot.getTask() + " v" + snapshot.getVersion()
                    + " to " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing a policy", e);
        }
    }

    /** The highest version of {@code task} on the topic, 0 if none: versions go on from there. */
    public long lastPublishedVersion(String task) {
        long[] highest = {0};
        // a retired version (a tombstone) counts too: versions never repeat
        TopicReadout.read(kafka, topic, Duration.ofSeconds(60),
                (key, value) -> highest[0] = Math.max(highest[0], PolicyArchive.version(key, task)));
        return highest[0];
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
