package io.takeover.robot.sdk;

import io.takeover.robot.policy.InvalidPolicyException;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicFollower;
import io.takeover.schemas.policy.PolicyRefusal;
import io.takeover.schemas.policy.PolicySignature;
import io.takeover.schemas.policy.RefusedPolicyException;
import io.takeover.schemas.policy.TrustedKeys;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.PolicyArchive;
import io.takeover.schemas.release.ReleaseBook;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireFormatException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.NavigableMap;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's policies for the robots of one process. It follows the version archive
 * ({@code takeover.policies}, key {@code task/version}) and verifies every version as it
 * arrives: a snapshot is kept only if a trusted key signed it, its version is newer than every
 * one verified, and it fits the task; otherwise it is refused with its reason
 * ({@link PolicyRefusal}) and counted. It follows the task's release channels
 * ({@code takeover.releases}) too, and each robot acts with its channel's version
 * ({@link #current(String)}): the canary's if the robot is in the canary share, stable's
 * otherwise. A channel that names a version not yet verified keeps its robots on what they
 * ran until it arrives; a version retired from the archive is dropped.
 */
public final class PolicySubscriber implements PolicySource, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PolicySubscriber.class);

    /**
     * Verified versions kept, newest first, beyond those the channels name: more than the release
     * controller keeps in the archive (its newest 32, stable's history of 16 and the two channels'),
     * so that no version a channel may name is dropped while the releases topic is still being read.
     */
    private static final int KEPT_VERSIONS = 64;

    /** What the robots act with now. */
    private record Assignment(MlpPolicy stable, MlpPolicy canary, double canaryShare) {}

    private final TaskSpec task;
    private final TrustedKeys trusted;
    private final Map<PolicyRefusal, AtomicLong> refused = new EnumMap<>(PolicyRefusal.class);
    private final NavigableMap<Long, MlpPolicy> verified = new TreeMap<>(); // guarded by this
    private final ReleaseBook releases; // guarded by this
    private long newestVerified; // guarded by this
    private volatile Assignment assignment = new Assignment(null, null, 0);
    private TopicFollower archive;
    private TopicFollower channels;

    /** Installs what {@link #offer} and {@link #release} are given; follows nothing by itself. */
    PolicySubscriber(TaskSpec task, TrustedKeys trusted) {
        this.task = task;
        this.trusted = trusted;
        this.releases = new ReleaseBook(task.name());
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
        this.archive = new TopicFollower(kafka, kafka.topics().policies(), settings, Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> record : records) {
                offer(record.key(), record.value());
            }
        }).start();
        Properties quick = new Properties();
        quick.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        this.channels = new TopicFollower(kafka, kafka.topics().releases(), quick, Map.of(), records -> {
            for (ConsumerRecord<String, byte[]> record : records) {
                release(record.key(), record.value());
            }
        }).start();
    }

    @Override
    public MlpPolicy current(String robotId) {
        Assignment a = assignment;
        return a.canary != null && Channel.inCanary(robotId, a.canaryShare) ? a.canary : a.stable;
    }

    /** The version stable robots act with; 0 before the first. */
    public long currentVersion() {
        MlpPolicy stable = assignment.stable;
        return stable == null ? 0 : stable.version();
    }

    /** The version canary robots act with; 0 without a canary. */
    public long canaryVersion() {
        MlpPolicy canary = assignment.canary;
        return canary == null ? 0 : canary.version();
    }

    /** The newest version verified, run or not. */
    public synchronized long newestVerified() {
        return newestVerified;
    }

    /** Snapshots refused, for every reason. */
    public long rejected() {
        return refused.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Snapshots refused for this reason. */
    public long refused(PolicyRefusal reason) {
        return refused.get(reason).get();
    }

    /** One record of the archive: a version to verify and keep, or a retired version's tombstone. */
    synchronized void offer(String key, byte[] bytes) {
        long keyVersion = PolicyArchive.version(key, task.name());
        if (keyVersion < 0) {
            return; // another task's
        }
        if (bytes == null) {
            verified.remove(keyVersion);
            return;
        }
        PolicySnapshot snapshot;
        try {
            snapshot = Codecs.POLICY_SNAPSHOT.decode(bytes);
        } catch (WireFormatException e) {
            reject(PolicyRefusal.UNDECODABLE, "undecodable snapshot under " + key + ": " + e.getMessage());
            return;
        }
        try {
            PolicySignature.verify(snapshot, trusted);
            if (snapshot.getVersion() <= newestVerified) {
                throw new RefusedPolicyException(PolicyRefusal.REPLAYED, "policy " + task.name() + " v"
                        + snapshot.getVersion() + " arrived after v" + newestVerified + ": an old snapshot published "
                        + "again");
            }
            if (snapshot.getVersion() != keyVersion) {
                throw new InvalidPolicyException("policy " + task.name() + " v" + snapshot.getVersion()
                        + " is filed under " + key);
            }
            MlpPolicy policy = MlpPolicy.load(snapshot, task);
            newestVerified = policy.version();
            verified.put(policy.version(), policy);
            LOG.info("policy {} v{} verified", task.name(), policy.version());
            trim();
            reassign();
        } catch (RefusedPolicyException e) {
            reject(e.reason(), e.getMessage());
        } catch (InvalidPolicyException e) {
            reject(PolicyRefusal.INVALID, e.getMessage());
        }
    }

    /** One record of the releases topic. */
    synchronized void release(String key, byte[] bytes) {
        String refusal = releases.apply(key, bytes);
        if (refusal != null) {
            LOG.warn("release refused: {}", refusal);
        }
        reassign();
    }

    /** Points each channel's robots at its version, once verified; until then they keep what they ran. */
    private void reassign() {
        Assignment old = assignment;
        long stableVersion = releases.version(Channel.STABLE);
        long canaryVersion = releases.version(Channel.CANARY);
        MlpPolicy stable = stableVersion == 0 ? null : verified.getOrDefault(stableVersion, old.stable);
        MlpPolicy canary = canaryVersion == 0 ? null : verified.get(canaryVersion);
        Assignment next = new Assignment(stable, canary, canary == null ? 0 : releases.canaryShare());
        if (!next.equals(old)) {
            assignment = next;
            LOG.info("policy {}: stable v{}{}", task.name(), stable == null ? 0 : stable.version(),
                    canary == null ? "" : String.format(" (canary v%d for %.0f%% of robots)", canary.version(),
                            next.canaryShare * 100));
        }
    }

    /** Keeps the newest versions and those the channels name. */
    private void trim() {
        Set<Long> named = new HashSet<>(List.of(releases.version(Channel.STABLE), releases.version(Channel.CANARY),
                currentVersion()));
        Iterator<Long> oldestFirst = verified.keySet().iterator();
        while (verified.size() > KEPT_VERSIONS && oldestFirst.hasNext()) {
            if (!named.contains(oldestFirst.next())) {
                oldestFirst.remove();
            }
        }
    }

    private void reject(PolicyRefusal reason, String why) {
        refused.get(reason).incrementAndGet();
        LOG.warn("policy snapshot refused ({}), keeping v{}: {}", reason.label(), currentVersion(), why);
    }

    @Override
    public void close() {
        if (archive != null) {
            archive.close();
        }
        if (channels != null) {
            channels.close();
        }
    }
}
