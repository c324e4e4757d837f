package io.takeover.robot.sdk;

import io.takeover.robot.policy.InvalidPolicyException;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import io.takeover.schemas.policy.PolicyRefusal;
import io.takeover.schemas.policy.PolicySignature;
import io.takeover.schemas.policy.RefusedPolicyException;
import io.takeover.schemas.policy.TrustedKeys;
import java.util.EnumMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code takeover.policies} for one task from the beginning of the compacted topic,
 * verifies every snapshot, and swaps in each newer version atomically: robots read
 * {@link #current()} between two control steps. A snapshot runs only if a trusted key signed
 * it, its version is newer than every one verified before, and it fits the task; otherwise it
 * is refused with its reason ({@link PolicyRefusal}), counted, and the last good version stays.
 * A version can be pinned: the robots then stay on it while newer ones are verified and kept.
 */
public final class PolicySubscriber implements PolicySource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySubscriber.class);

    private static final int KEPT_VERSIONS = 16;

    private final TaskSpec task;
    private final TrustedKeys trusted;
    private final AtomicReference<MlpPolicy> current = new AtomicReference<>();
    private final Map<PolicyRefusal, AtomicLong> refused = new EnumMap<>(PolicyRefusal.class);
    private long newestVerified; // guarded by this
    private final NavigableMap<Long, MlpPolicy> recent = new TreeMap<>(); // verified, newest last; guarded by this
    private long pinned; // 0: follow the newest; guarded by this
    private TopicFollower follower;

    /** Installs what {@link #offer} is given; follows nothing by itself. */
    PolicySubscriber(TaskSpec task, TrustedKeys trusted) {
        this.task = task;
        this.trusted = trusted;
        for (PolicyRefusal reason : PolicyRefusal.values()) {
            refused.put(reason, new AtomicLong());
        }
    }

    public PolicySubscriber(KafkaConnection kafka, TaskSpec task, TrustedKeys trusted) {
        this(kafka, task, trusted, null);
    }

    /**
     * @param rack where this robot is ({@code client.rack}): with brokers that select replicas by
     *             rack, snapshots are fetched from the nearest replica instead of all from the
     *             partition's leader; null for the leader
     */
    public PolicySubscriber(KafkaConnection kafka, TaskSpec task, TrustedKeys trusted, String rack) {
        this(task, trusted);
        Properties settings = new Properties();
        settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        settings.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 << 20);
        if (rack != null && !rack.isBlank()) {
            settings.put(ConsumerConfig.CLIENT_RACK_CONFIG, rack);
        }
        this.follower = new TopicFollower(kafka, kafka.topics().policies(), settings, Map.of(), records -> {
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

    /** Snapshots refused, for every reason. */
    public long rejected() {
        return refused.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Snapshots refused for this reason. */
    public long refused(PolicyRefusal reason) {
        return refused.get(reason).get();
    }

    /** Verifies one snapshot and, if no version is pinned, installs it. */
    synchronized void offer(byte[] bytes) {
        PolicySnapshot snapshot;
        try {
            snapshot = Codecs.POLICY_SNAPSHOT.decode(bytes);
        } catch (WireFormatException e) {
            reject(PolicyRefusal.UNDECODABLE, "undecodable snapshot: " + e.getMessage());
            return;
        }
        try {
            PolicySignature.verify(snapshot, trusted);
            if (snapshot.getVersion() <= newestVerified) {
                throw new RefusedPolicyException(PolicyRefusal.REPLAYED, "policy " + task.name() + " v"
                        + snapshot.getVersion() + " arrived after v" + newestVerified + ": an old snapshot published "
                        + "again");
            }
            MlpPolicy policy = MlpPolicy.load(snapshot, task);
            newestVerified = policy.version();
            recent.put(policy.version(), policy);
            if (recent.size() > KEPT_VERSIONS) {
                recent.pollFirstEntry();
            }
            if (pinned == 0) {
                current.set(policy);
                LOG.info("policy {} v{} installed", task.name(), policy.version());
            } else {
                LOG.info("policy {} v{} verified; staying on pinned v{}", task.name(), policy.version(), pinned);
            }
        } catch (RefusedPolicyException e) {
            reject(e.reason(), e.getMessage());
        } catch (InvalidPolicyException e) {
            reject(PolicyRefusal.INVALID, e.getMessage());
        }
    }

    /**
     * Runs {@code version} from the next control step on, and no newer one until {@link #unpin}.
     *
     * @throws IllegalArgumentException if that version was not among the last ones received
     */
    public synchronized void pin(long version) {
        MlpPolicy policy = recent.get(version);
        if (policy == null) {
            throw new IllegalArgumentException("cannot pin " + task.name() + " v" + version + ": not among the "
                    + "versions received since start " + recent.keySet() + " (older ones are compacted away)");
        }
        pinned = version;
        current.set(policy);
        LOG.info("policy {} pinned to v{}", task.name(), version);
    }

    /** Follows the newest version again, from the next control step on. */
    public synchronized void unpin() {
        pinned = 0;
        if (!recent.isEmpty()) {
            current.set(recent.lastEntry().getValue());
        }
    }

    private void reject(PolicyRefusal reason, String why) {
        refused.get(reason).incrementAndGet();
        LOG.warn("policy snapshot refused ({}), keeping v{}: {}", reason.label(), currentVersion(), why);
    }

    @Override
    public void close() {
        if (follower != null) {
            follower.close();
        }
    }
}
