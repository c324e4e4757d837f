package io.takeover.robot.sdk;

import io.takeover.robot.policy.InvalidPolicyException;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.robot.task.TaskSpec;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code takeover.policies} for one task from the beginning of the compacted topic,
 * verifies every snapshot, and swaps in each newer version atomically: robots read
 * {@link #current()} between two control steps. A bad snapshot is refused with its reason
 * and the last good version stays.
 */
public final class PolicySubscriber implements PolicySource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySubscriber.class);

    private final TaskSpec task;
    private final AtomicReference<MlpPolicy> current = new AtomicReference<>();
    private final AtomicLong rejected = new AtomicLong();
    private final TopicFollower follower;

    public PolicySubscriber(String bootstrapServers, Topics topics, TaskSpec task) {
        this.task = task;
        Properties settings = new Properties();
        settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 << 20);
        this.follower = new TopicFollower(bootstrapServers, topics.policies(), settings, Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> record : records) {
                if (task.name().equals(record.key())) {
                    offer(record.value());
                }
            }
        }).start();
    }

    @Override
    public MlpPolicy current() {
        return current.get();
    }

    public long currentVersion() {
        MlpPolicy policy = current.get();
        return policy == null ? 0 : policy.version();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Verifies and installs one snapshot if it is newer than the current one. */
    void offer(byte[] bytes) {
        PolicySnapshot snapshot;
        try {
            snapshot = Codecs.POLICY_SNAPSHOT.decode(bytes);
        } catch (WireFormatException e) {
            reject("undecodable snapshot: " + e.getMessage());
            return;
        }
        if (snapshot.getVersion() <= currentVersion()) {
            return; // older or the same: compaction and restarts replay history
        }
        try {
            MlpPolicy policy = MlpPolicy.load(snapshot, task);
            current.set(policy);
            LOG.info("policy {} v{} installed", task.name(), policy.version());
        } catch (InvalidPolicyException e) {
            reject(e.getMessage());
        }
    }

    private void reject(String reason) {
        rejected.incrementAndGet();
        LOG.warn("policy snapshot refused, keeping v{}: {}", currentVersion(), reason);
    }

    @Override
    public void close() {
        follower.close();
    }
}
