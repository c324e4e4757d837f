package io.takeover.robot.teleop;

import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.wire.Codecs;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the teleoperation topic from now on into a {@link TeleopInbox}: what robots of this
 * process obey. Records that do not decode are counted and logged, never obeyed.
 */
public final class TeleopFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TeleopFollower.class);

    private final TeleopInbox inbox;
    private final TopicFollower follower;
    private final AtomicLong refused = new AtomicLong();

    public TeleopFollower(KafkaConnection kafka, TeleopInbox inbox) {
        this.inbox = inbox;
        Properties quick = new Properties();
        quick.put("fetch.max.wait.ms", "20"); // a driving operator feels every millisecond
        this.follower = new TopicFollower(kafka, kafka.topics().teleop(), quick, Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> record : records) {
                take(record);
            }
        }).startingAt(Instant.now()).start();
    }

    private void take(ConsumerRecord<String, byte[]> record) {
        try {
            TeleopCommand command = Codecs.TELEOP_COMMAND.decode(record.value());
            inbox.accept(command);
        } catch (RuntimeException e) { // WireFormatException among them
            refused.incrementAndGet();
            LOG.warn("ignored a teleoperation record at offset {} of partition {}: {}", record.offset(),
                    record.partition(), e.getMessage());
        }
    }

    public Teleop teleop() {
        return inbox;
    }

    /** Records that did not decode. */
    public long refused() {
        return refused.get();
    }

    @Override
    public void close() {
        follower.close();
    }
}
