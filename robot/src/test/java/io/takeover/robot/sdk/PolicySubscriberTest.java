package io.takeover.robot.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.policy.MlpPolicyTest;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.wire.Codecs;
import org.junit.jupiter.api.Test;

class PolicySubscriberTest {

    private static byte[] version(long v) {
        return Codecs.POLICY_SNAPSHOT.encode(PolicySnapshot.newBuilder(MlpPolicyTest.snapshot()).setVersion(v)
                .setParentVersion(v - 1).build());
    }

    @Test
    void installsEachNewerVersionAndIgnoresOlderOnes() {
        try (PolicySubscriber subscriber = new PolicySubscriber(Pendulum.SPEC)) {
            subscriber.offer(version(3));
            subscriber.offer(version(5));
            subscriber.offer(version(4)); // history replayed
            assertEquals(5, subscriber.currentVersion());
            assertEquals(0, subscriber.rejected());
        }
    }

    @Test
    void aTamperedSnapshotIsRejectedAndTheLastGoodVersionStays() {
        try (PolicySubscriber subscriber = new PolicySubscriber(Pendulum.SPEC)) {
            subscriber.offer(version(3));
            PolicySnapshot tampered = PolicySnapshot.newBuilder(MlpPolicyTest.snapshot()).setVersion(4)
                    .setWeightsSha256("0".repeat(64)).build();
            subscriber.offer(Codecs.POLICY_SNAPSHOT.encode(tampered));
            subscriber.offer(new byte[] {1, 2, 3});
            assertEquals(3, subscriber.currentVersion());
            assertEquals(2, subscriber.rejected());
        }
    }

    @Test
    void aPinnedVersionStaysWhileNewerOnesArriveUntilUnpinned() {
        try (PolicySubscriber subscriber = new PolicySubscriber(Pendulum.SPEC)) {
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
