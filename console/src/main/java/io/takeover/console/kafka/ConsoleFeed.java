package io.takeover.console.kafka;

import io.takeover.console.fleet.FleetBoard;
import io.takeover.console.learning.LearningBoard;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.wire.Codecs;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the console reads: steps and interventions from a little while ago on (the live
 * picture), fleet statistics, releases and tasks from their beginning (they are small or
 * compacted). Records that do not decode are counted and logged, and change nothing.
 */
public final class ConsoleFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFeed.class);

    private final List<TopicFollower> followers = new ArrayList<>();
    private final AtomicLong undecodable = new AtomicLong();
    private final TaskRegistry.Book tasks = new TaskRegistry.Book();

    public ConsoleFeed(KafkaConnection kafka, Duration history, FleetBoard fleet, LearningBoard learning) {
        try {
            follow(kafka, history, fleet, learning);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    private void follow(KafkaConnection kafka, Duration history, FleetBoard fleet, LearningBoard learning) {
        Instant since = Instant.now().minus(history);
        Properties quick = new Properties();
        quick.put("fetch.max.wait.ms", "50"); // the robot view is live
        followers.add(new TopicFollower(kafka, kafka.topics().steps(), quick, Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
                decode(r, () -> fleet.step(Codecs.STEP.decode(r.value())));
            }
        }).startingAt(since).start());
        followers.add(new TopicFollower(kafka, kafka.topics().interventions(), quick, Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
                decode(r, () -> fleet.intervention(Codecs.INTERVENTION.decode(r.value())));
            }
        }).startingAt(since).start());
        followers.add(new TopicFollower(kafka, kafka.topics().fleetStats(), new Properties(), Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
                decode(r, () -> learning.stats(Codecs.FLEET_STATS.decode(r.value())));
            }
        }).start());
        followers.add(new TopicFollower(kafka, kafka.topics().releases(), new Properties(), Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
                refused(r, learning.release(r.key(), r.value()));
            }
        }).start());
        followers.add(new TopicFollower(kafka, kafka.topics().tasks(), new Properties(), Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> r : records) {
                String refusal = tasks.apply(r.key(), r.value());
                refused(r, refusal);
                if (refusal == null && tasks.tasks().containsKey(r.key())) {
                    fleet.task(tasks.tasks().get(r.key()));
                }
            }
        }).start());
    }

    private void decode(ConsumerRecord<String, byte[]> record, Runnable apply) {
        try {
            apply.run();
        } catch (RuntimeException e) {
            refused(record, e.getMessage());
        }
    }

    private void refused(ConsumerRecord<String, byte[]> record, String why) {
        if (why != null) {
            undecodable.incrementAndGet();
            LOG.warn("the console ignored a record of {} at offset {} of partition {}: {}", record.topic(),
                    record.offset(), record.partition(), why);
        }
    }

    /** Records that did not decode or were refused. */
    public long ignored() {
        return undecodable.get();
    }

    @Override
    public void close() {
        followers.forEach(TopicFollower::close);
    }
}
