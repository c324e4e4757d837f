package io.takeover.console.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FleetBoardTest {

    private final AtomicLong nanos = new AtomicLong();
    private final FleetBoard board = new FleetBoard(nanos::get);

    private void steps(String robot, int n, long from) {
        for (int i = 0; i < n; i++) {
            board.step(Step.newBuilder().setRobotId(robot).setTask("pendulum").setEpisodeId(robot + "/e")
                    .setStep(from + i).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + 50 * (from + i)))
                    .setObservation(List.of(1f, 0f, 0f)).setAction(List.of(0f)).setPolicyVersion(3)
                    .setControl(Control.POLICY).setReward(null).setTerminated(false).setTruncated(false)
                    .setSuccess(null).build());
        }
    }

    private void intervene(String robot, String operator, InterventionKind kind) {
        board.intervention(Intervention.newBuilder().setRobotId(robot).setEpisodeId(robot + "/e")
                .setOperatorId(operator).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L)).setKind(kind)
                .setReason(null).build());
    }

    @Test
    void ranksRobotsByTakeoverRiskAndFlagsTheOutlier() {
        for (String robot : List.of("r1", "r2", "r3")) {
            steps(robot, 500, 0);
        }
        for (int i = 0; i < 10; i++) { // r2: 10 takeovers in its last 1,000 steps
            intervene("r2", "op", InterventionKind.TAKEOVER);
            intervene("r2", "op", InterventionKind.HANDBACK);
            steps("r2", 50, 500 + 50L * i);
        }
        steps("r1", 500, 500);
        intervene("r3", "op", InterventionKind.TAKEOVER);
        steps("r3", 500, 500);
        List<FleetBoard.RobotLine> lines = board.lines();
        assertEquals(List.of("r2", "r3", "r1"), lines.stream().map(FleetBoard.RobotLine::robot).toList());
        assertEquals(10.0, lines.get(0).risk(), 1e-9);
        assertTrue(lines.get(0).needsHelp());
        assertFalse(lines.get(1).needsHelp(), "one takeover in 1,000 steps is not an outlier");
        assertEquals("op", lines.get(1).controller(), "r3 is still taken over");
        assertNull(lines.get(0).controller());
    }

    @Test
    void aSilentRobotGoesOfflineThenLeavesTheBoard() {
        steps("r1", 10, 0);
        assertTrue(board.lines().get(0).online());
        nanos.addAndGet(FleetBoard.OFFLINE_AFTER.plusSeconds(1).toNanos());
        assertFalse(board.lines().get(0).online());
        nanos.addAndGet(FleetBoard.FORGET_AFTER.toNanos());
        assertTrue(board.lines().isEmpty());
        assertTrue(board.robot("r1", 0).isEmpty());
    }

    @Test
    void theRobotViewGetsOnlyStepsItHasNotSeen() {
        steps("r1", 30, 0);
        FleetBoard.RobotDetail first = board.robot("r1", 0).orElseThrow();
        assertEquals(30, first.steps().size());
        steps("r1", 5, 30);
        long last = first.steps().get(29).seq();
        assertEquals(List.of(30L, 31L, 32L, 33L, 34L), board.robot("r1", last).orElseThrow().steps().stream()
                .map(RobotState.StepView::step).toList());
        assertEquals(Duration.ZERO.toMillis(), board.robot("r1", 0).orElseThrow().line().sinceLastStepMillis());
    }
}
