package io.takeover.robot.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.policy.MlpPolicyTest;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.policy.PolicyRefusal;
import io.takeover.schemas.policy.PolicySignature;
import io.takeover.schemas.policy.PolicyTensors;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.policy.TrustedKeys;
import io.takeover.schemas.wire.Codecs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicySubscriberTest {

    private static final SigningKey LEARNER = SigningKey.generate();
    private static final SigningKey OTHER = SigningKey.generate();

    private static PolicySnapshot unsigned(long v) {
        return PolicySnapshot.newBuilder(MlpPolicyTest.snapshot()).setVersion(v).setParentVersion(v - 1).build();
    }

    private static byte[] version(long v) {
        return signed(unsigned(v), LEARNER);
    }

    private static byte[] signed(PolicySnapshot snapshot, SigningKey key) {
        return Codecs.POLICY_SNAPSHOT.encode(PolicySignature.sign(snapshot, key));
    }

    private static PolicySubscriber subscriber() {
        return new PolicySubscriber(Pendulum.SPEC, LEARNER.trusted());
    }

    @Test
    void installsEachNewerSignedVersion() {
        try (PolicySubscriber subscriber = subscriber()) {
            subscriber.offer(version(3));
            assertEquals(3, subscriber.currentVersion());
            subscriber.offer(version(5));
            assertEquals(5, subscriber.currentVersion());
            assertEquals(0, subscriber.rejected());
        }
    }

    @Test
    void aTamperedSnapshotWithItsHashRecomputedIsRefusedAndTheLastGoodVersionStays() {
        try (PolicySubscriber subscriber = subscriber()) {
            subscriber.offer(version(3));
            PolicySnapshot forged = PolicySignature.sign(unsigned(4), LEARNER);
            List<WeightTensor> weights = new ArrayList<>(forged.getWeights());
            float[] values = PolicyTensors.values(weights.get(0));
            values[0] += 1f; // one weight changed ...
            weights.set(0, PolicyTensors.tensor(weights.get(0).getName(),
                    weights.get(0).getShape().stream().mapToInt(Integer::intValue).toArray(), values));
            forged.setWeights(weights);
            forged.setWeightsSha256(PolicyTensors.sha256(weights)); // ... and the checksum made to match
            subscriber.offer(Codecs.POLICY_SNAPSHOT.encode(forged));
            assertEquals(3, subscriber.currentVersion());
            assertEquals(1, subscriber.refused(PolicyRefusal.BAD_SIGNATURE));

            PolicySnapshot moved = PolicySignature.sign(unsigned(4), LEARNER);
            moved.setActionHigh(List.of(20f)); // a bound a robot acts on
            subscriber.offer(Codecs.POLICY_SNAPSHOT.encode(moved));
            assertEquals(2, subscriber.refused(PolicyRefusal.BAD_SIGNATURE));
            assertEquals(3, subscriber.currentVersion());
        }
    }

    @Test
    void unsignedUntrustedReplayedAndUndecodableSnapshotsAreRefusedEachWithItsReason() {
        try (PolicySubscriber subscriber = subscriber()) {
            subscriber.offer(Codecs.POLICY_SNAPSHOT.encode(unsigned(2)));
            assertEquals(0, subscriber.currentVersion(), "an unsigned snapshot never runs");
            subscriber.offer(version(5));
            subscriber.offer(signed(unsigned(6), OTHER));
            subscriber.offer(version(4)); // a genuine old snapshot, published again
            subscriber.offer(version(5));
            subscriber.offer(new byte[] {1, 2, 3});
            PolicySnapshot unsignable = PolicySignature.sign(unsigned(7), LEARNER);
            unsignable.setSignature(ByteBuffer.wrap(new byte[] {1, 2, 3})); // not even 64 bytes
            subscriber.offer(Codecs.POLICY_SNAPSHOT.encode(unsignable));

            assertEquals(5, subscriber.currentVersion());
            assertEquals(1, subscriber.refused(PolicyRefusal.UNSIGNED));
            assertEquals(1, subscriber.refused(PolicyRefusal.UNKNOWN_KEY));
            assertEquals(2, subscriber.refused(PolicyRefusal.REPLAYED));
            assertEquals(1, subscriber.refused(PolicyRefusal.UNDECODABLE));
            assertEquals(1, subscriber.refused(PolicyRefusal.BAD_SIGNATURE));
            assertEquals(6, subscriber.rejected());
        }
    }

    @Test
    void duringRotationBothTrustedKeysAreAccepted() {
        try (PolicySubscriber subscriber = new PolicySubscriber(Pendulum.SPEC,
                TrustedKeys.of(LEARNER.publicKey(), OTHER.publicKey()))) {
            subscriber.offer(version(3));
            subscriber.offer(signed(unsigned(4), OTHER));
            assertEquals(4, subscriber.currentVersion());
            assertEquals(0, subscriber.rejected());
        }
    }

    @Test
    void aSignedSnapshotUnfitForTheTaskIsRefusedAsInvalid() {
        try (PolicySubscriber subscriber = subscriber()) {
            PolicySnapshot wrongTask = unsigned(3);
            wrongTask.setTask("reacher");
            subscriber.offer(signed(wrongTask, LEARNER));
            assertEquals(1, subscriber.refused(PolicyRefusal.INVALID));
            assertEquals(0, subscriber.currentVersion());
        }
    }

    @Test
    void aPinnedVersionStaysWhileNewerOnesArriveUntilUnpinned() {
        try (PolicySubscriber subscriber = subscriber()) {
            subscriber.offer(version(3));
            subscriber.offer(version(4));
            subscriber.pin(3);
            assertEquals(3, subscriber.currentVersion());
            subscriber.offer(version(5));
            assertEquals(3, subscriber.currentVersion(), "pinned");
            subscriber.unpin();
            assertEquals(5, subscriber.currentVersion(), "the newest verified one");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> subscriber.pin(1));
            assertTrue(e.getMessage().contains("[3, 4, 5]"), e.getMessage());
        }
    }
}
