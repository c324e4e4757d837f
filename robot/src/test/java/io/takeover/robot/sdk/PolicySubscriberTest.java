package io.takeover.robot.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.policy.MlpPolicyTest;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Release;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.policy.PolicyRefusal;
import io.takeover.schemas.policy.PolicySignature;
import io.takeover.schemas.policy.PolicyTensors;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.policy.TrustedKeys;
import io.takeover.schemas.release.Channel;
import io.takeover.schemas.release.PolicyArchive;
import io.takeover.schemas.release.ReleaseBook;
import io.takeover.schemas.release.Releases;
import io.takeover.schemas.wire.Codecs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PolicySubscriberTest {

    private static final SigningKey LEARNER = SigningKey.generate();
    private static final SigningKey OTHER = SigningKey.generate();
    private static final List<String> ROBOTS = IntStream.range(0, 200).mapToObj(i -> "robot-" + i).toList();

    private final ReleaseBook book = new ReleaseBook(Pendulum.NAME);

    private static PolicySnapshot unsigned(long v) {
        return PolicySnapshot.newBuilder(MlpPolicyTest.snapshot()).setVersion(v).setParentVersion(v - 1).build();
    }

    private static byte[] signed(PolicySnapshot snapshot, SigningKey key) {
        return Codecs.POLICY_SNAPSHOT.encode(PolicySignature.sign(snapshot, key));
    }

    private static void offer(PolicySubscriber subscriber, long version, byte[] bytes) {
        subscriber.offer(PolicyArchive.key(Pendulum.NAME, version), bytes);
    }

    /** Files version {@code v}, signed by the learner, in the archive. */
    private static void publish(PolicySubscriber subscriber, long v) {
        offer(subscriber, v, signed(unsigned(v), LEARNER));
    }

    private void release(PolicySubscriber subscriber, Release release) {
        String key = Channel.of(release.getChannel()).key(Pendulum.NAME);
        byte[] bytes = Codecs.RELEASE.encode(release);
        book.apply(key, bytes);
        subscriber.release(key, bytes);
    }

    private void stable(PolicySubscriber subscriber, long v) {
        release(subscriber, Releases.promote(book, Channel.STABLE, v, "test", "test", 0));
    }

    private static PolicySubscriber subscriber() {
        return new PolicySubscriber(Pendulum.SPEC, LEARNER.trusted());
    }

    private static long version(PolicySubscriber subscriber, String robot) {
        var policy = subscriber.current(robot);
        return policy == null ? 0 : policy.version();
    }

    @Test
    void robotsRunOnlyWhatTheStableChannelNamesOnceItIsVerified() {
        try (PolicySubscriber subscriber = subscriber()) {
            publish(subscriber, 3);
            assertNull(subscriber.current("robot-1"), "a candidate no channel names runs nowhere");
            stable(subscriber, 3);
            assertEquals(3, version(subscriber, "robot-1"));
            stable(subscriber, 5);
            assertEquals(3, version(subscriber, "robot-1"), "v5 is named but not here yet: robots keep v3");
            publish(subscriber, 5);
            assertEquals(5, version(subscriber, "robot-1"));
            assertEquals(0, subscriber.rejected());
        }
    }

    @Test
    void aCanaryRunsOnItsShareOfTheRobotsChosenByIdAndClosingItReturnsThemToStable() {
        try (PolicySubscriber subscriber = subscriber()) {
            publish(subscriber, 3);
            publish(subscriber, 4);
            stable(subscriber, 3);
            release(subscriber, Releases.promote(book, Channel.CANARY, 4, "test", "try v4", 0.25));
            List<String> canary = ROBOTS.stream().filter(r -> version(subscriber, r) == 4).toList();
            assertEquals(ROBOTS.stream().filter(r -> Channel.inCanary(r, 0.25)).toList(), canary);
            assertTrue(canary.size() > 30 && canary.size() < 70, "about a quarter of 200: " + canary.size());
            assertTrue(ROBOTS.stream().allMatch(r -> canary.contains(r) || version(subscriber, r) == 3));
            assertEquals(4, subscriber.canaryVersion());

            release(subscriber, Releases.closeCanary(book, "test", "rolled back", java.util.Map.of()));
            assertTrue(ROBOTS.stream().allMatch(r -> version(subscriber, r) == 3), "every robot back on stable");
        }
    }

    @Test
    void aRollbackMovesEveryRobotToTheVersionBefore() {
        try (PolicySubscriber subscriber = subscriber()) {
            publish(subscriber, 3);
            publish(subscriber, 4);
            stable(subscriber, 3);
            stable(subscriber, 4);
            assertEquals(4, version(subscriber, "robot-7"));
            release(subscriber, Releases.rollback(book, "test", "v4 needs more takeovers"));
            assertTrue(ROBOTS.stream().allMatch(r -> version(subscriber, r) == 3));
            assertEquals(0, subscriber.rejected(), "a rollback names an older version: nothing is replayed");
        }
    }

    @Test
    void aTamperedSnapshotWithItsHashRecomputedIsRefusedAndTheLastGoodVersionStays() {
        try (PolicySubscriber subscriber = subscriber()) {
            publish(subscriber, 3);
            stable(subscriber, 3);
            PolicySnapshot forged = PolicySignature.sign(unsigned(4), LEARNER);
            List<WeightTensor> weights = new ArrayList<>(forged.getWeights());
            float[] values = PolicyTensors.values(weights.get(0));
            values[0] += 1f; // one weight changed ...
            weights.set(0, PolicyTensors.tensor(weights.get(0).getName(),
                    weights.get(0).getShape().stream().mapToInt(Integer::intValue).toArray(), values));
            forged.setWeights(weights);
            forged.setWeightsSha256(PolicyTensors.sha256(weights)); // ... and the checksum made to match
            offer(subscriber, 4, Codecs.POLICY_SNAPSHOT.encode(forged));
            stable(subscriber, 4);
            assertEquals(3, version(subscriber, "robot-1"));
            assertEquals(1, subscriber.refused(PolicyRefusal.BAD_SIGNATURE));

            PolicySnapshot moved = PolicySignature.sign(unsigned(5), LEARNER);
            moved.setActionHigh(List.of(20f)); // a bound a robot acts on
            offer(subscriber, 5, Codecs.POLICY_SNAPSHOT.encode(moved));
            stable(subscriber, 5);
            assertEquals(2, subscriber.refused(PolicyRefusal.BAD_SIGNATURE));
            assertEquals(3, version(subscriber, "robot-1"));
        }
    }

    @Test
    void unsignedUntrustedReplayedMisfiledAndUndecodableSnapshotsAreRefusedEachWithItsReason() {
        try (PolicySubscriber subscriber = subscriber()) {
            offer(subscriber, 2, Codecs.POLICY_SNAPSHOT.encode(unsigned(2)));
            stable(subscriber, 2);
            assertNull(subscriber.current("robot-1"), "an unsigned snapshot never runs");
            publish(subscriber, 5);
            stable(subscriber, 5);
            offer(subscriber, 6, signed(unsigned(6), OTHER));
            publish(subscriber, 4); // a genuine old snapshot, published again
            publish(subscriber, 5);
            offer(subscriber, 9, signed(unsigned(8), LEARNER)); // filed under another version
            offer(subscriber, 7, new byte[] {1, 2, 3});
            PolicySnapshot unsignable = PolicySignature.sign(unsigned(7), LEARNER);
            unsignable.setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3})); // not even 64 bytes
            offer(subscriber, 7, Codecs.POLICY_SNAPSHOT.encode(unsignable));

            assertEquals(5, version(subscriber, "robot-1"));
            assertEquals(1, subscriber.refused(PolicyRefusal.UNSIGNED));
            assertEquals(1, subscriber.refused(PolicyRefusal.UNKNOWN_KEY));
            assertEquals(2, subscriber.refused(PolicyRefusal.REPLAYED));
            assertEquals(1, subscriber.refused(PolicyRefusal.INVALID));
            assertEquals(1, subscriber.refused(PolicyRefusal.UNDECODABLE));
            assertEquals(1, subscriber.refused(PolicyRefusal.BAD_SIGNATURE));
            assertEquals(7, subscriber.rejected());
        }
    }

    @Test
    void duringRotationBothTrustedKeysAreAccepted() {
        try (PolicySubscriber subscriber = new PolicySubscriber(Pendulum.SPEC,
                TrustedKeys.of(LEARNER.publicKey(), OTHER.publicKey()))) {
            publish(subscriber, 3);
            offer(subscriber, 4, signed(unsigned(4), OTHER));
            stable(subscriber, 4);
            assertEquals(4, version(subscriber, "robot-1"));
            assertEquals(0, subscriber.rejected());
        }
    }

    @Test
    void aSignedSnapshotUnfitForTheTaskIsRefusedAsInvalid() {
        try (PolicySubscriber subscriber = subscriber()) {
            PolicySnapshot wrongTask = unsigned(3);
            wrongTask.setObsDim(4);
            offer(subscriber, 3, signed(wrongTask, LEARNER));
            assertEquals(1, subscriber.refused(PolicyRefusal.INVALID));
        }
    }

    @Test
    void aRetiredVersionIsDroppedButOneAChannelNamesStaysInUse() {
        try (PolicySubscriber subscriber = subscriber()) {
            publish(subscriber, 3);
            publish(subscriber, 4);
            stable(subscriber, 4);
            offer(subscriber, 3, null); // retired by the release controller
            stable(subscriber, 3);
            assertEquals(4, version(subscriber, "robot-1"), "v3 is gone: robots keep v4 rather than nothing");
        }
    }
}
