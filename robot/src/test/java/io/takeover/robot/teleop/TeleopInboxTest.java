package io.takeover.robot.teleop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.TeleopKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TeleopInboxTest {

    private final AtomicLong nanos = new AtomicLong();
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final TeleopInbox inbox = new TeleopInbox(Duration.ofSeconds(3), nanos::get, wall::get);

    private TeleopCommand command(String operator, TeleopKind kind, float... action) {
        List<Float> values = new java.util.ArrayList<>();
        for (float a : action) {
            values.add(a);
        }
        return TeleopCommand.newBuilder().setRobotId("robot-2").setOperatorId(operator).setKind(kind)
                .setAction(values).setSentAt(Instant.ofEpochMilli(wall.get())).setReason(null).build();
    }

    @Test
    void aTakeoverHoldsTheRobotWithNoActionUntilTheFirstDrive() {
        assertTrue(inbox.accept(command("ana", TeleopKind.TAKEOVER)));
        assertEquals("ana", inbox.hold("robot-2").operatorId());
        assertEquals(0, inbox.hold("robot-2").action().length);
        inbox.accept(command("ana", TeleopKind.DRIVE, 1.5f));
        assertArrayEquals(new float[] {1.5f}, inbox.hold("robot-2").action());
        assertNull(inbox.hold("robot-1"), "other robots are not held");
    }

    @Test
    void onlyTheHolderHandsBack() {
        inbox.accept(command("ana", TeleopKind.DRIVE, 1f));
        assertFalse(inbox.accept(command("bo", TeleopKind.HANDBACK)));
        assertEquals("ana", inbox.hold("robot-2").operatorId());
        assertTrue(inbox.accept(command("ana", TeleopKind.HANDBACK)));
        assertNull(inbox.hold("robot-2"));
        assertEquals("handed back at the console", inbox.handBackReason("robot-2"));
    }

    @Test
    void aHoldEndsWhenTheConsoleGoesQuiet() {
        inbox.accept(command("ana", TeleopKind.DRIVE, 1f));
        nanos.addAndGet(Duration.ofMillis(2900).toNanos());
        assertEquals("ana", inbox.hold("robot-2").operatorId());
        inbox.accept(command("ana", TeleopKind.DRIVE, 0.5f));
        nanos.addAndGet(Duration.ofMillis(3100).toNanos());
        assertNull(inbox.hold("robot-2"), "3 s without a command ends the hold");
        assertEquals("the console went quiet for 3 s", inbox.handBackReason("robot-2"));
    }

    @Test
    void aDriveSentBeforeTheHandBackButDeliveredAfterDoesNotTakeTheRobotAgain() {
        inbox.accept(command("ana", TeleopKind.TAKEOVER));
        TeleopCommand late = command("ana", TeleopKind.DRIVE, 1f);
        wall.addAndGet(20);
        assertTrue(inbox.accept(command("ana", TeleopKind.HANDBACK)));
        assertFalse(inbox.accept(late));
        assertNull(inbox.hold("robot-2"));
        wall.addAndGet(1000);
        assertTrue(inbox.accept(command("ana", TeleopKind.TAKEOVER)), "a new takeover, sent later, does");
    }

    @Test
    void staleCommandsAreIgnored() {
        TeleopCommand old = command("ana", TeleopKind.TAKEOVER);
        wall.addAndGet(TeleopInbox.STALE.toMillis() + 1);
        assertFalse(inbox.accept(old));
        assertNull(inbox.hold("robot-2"));
    }
}
