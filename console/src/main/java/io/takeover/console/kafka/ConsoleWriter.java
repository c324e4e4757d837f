package io.takeover.console.kafka;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.Release;
import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.wire.Codecs;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What the console writes: teleoperation commands, interventions for robots that do not obey
 * teleoperation, and releases. Takeovers, hand-backs and releases wait for the broker's
 * acknowledgement, so an operator is told only what was kept; drive commands, many a second,
 * do not wait, and a failed one is counted (the next one follows within 50 ms).
 */
public final class ConsoleWriter implements AutoCloseable {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaConnection kafka;
    private final KafkaProducer<String, byte[]> producer;
    private final AtomicLong failedDrives = new AtomicLong();

    public ConsoleWriter(KafkaConnection kafka) {
        this.kafka = kafka;
        Properties props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ACK_TIMEOUT.toMillis() / 2);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) ACK_TIMEOUT.toMillis()); // send() itself may not wait longer
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    /** Sends a drive command without waiting. */
    public void drive(TeleopCommand command) {
        producer.send(new ProducerRecord<>(kafka.topics().teleop(), command.getRobotId(),
                Codecs.TELEOP_COMMAND.encode(command)), (meta, e) -> {
                    if (e != null) {
                        failedDrives.incrementAndGet();
                    }
                });
    }

    /** Sends a takeover or hand-back command and waits until the broker has it. */
    public void command(TeleopCommand command) {
        acknowledged(new ProducerRecord<>(kafka.topics().teleop(), command.getRobotId(),
                Codecs.TELEOP_COMMAND.encode(command)));
    }

    public void intervention(Intervention intervention) {
        acknowledged(new ProducerRecord<>(kafka.topics().interventions(), intervention.getRobotId(),
                Codecs.INTERVENTION.encode(intervention)));
    }

    public void release(Release release) {
        acknowledged(new ProducerRecord<>(kafka.topics().releases(),
                Channel.of(release.getChannel()).key(release.getTask()), Codecs.RELEASE.encode(release)));
    }

    /** Drive commands the broker did not take. */
    public long failedDrives() {
        return failedDrives.get();
    }

    private void acknowledged(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(ACK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new KafkaUnavailableException("Kafka did not take the record for " + record.topic() + " within "
                    + ACK_TIMEOUT.toSeconds() + " s: " + cause.getMessage() + ". Nothing was changed; try again.", cause);
        }
    }

    /** Kafka refused or did not answer; the request changed nothing. */
    public static final class KafkaUnavailableException extends RuntimeException {
        KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
