package io.takeover.console.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class OperatorBoardTest {

    private static Intervention iv(String robot, String operator, InterventionKind kind, long seconds) {
        return iv(robot, "e", operator, kind, seconds);
    }

    private static Intervention iv(String robot, String episode, String operator, InterventionKind kind, long seconds) {
        return Intervention.newBuilder().setRobotId(robot).setEpisodeId(robot + "/" + episode).setOperatorId(operator)
                .setEventTime(Instant.ofEpochSecond(1_700_000_000L + seconds)).setKind(kind).setReason(null).build();
    }

    @Test
    void countsTimeInControlAndHandBacksAfterWhichTheRobotNeededHelpAgainSoon() {
        OperatorBoard board = new OperatorBoard();
        // ana hands back, and the robot is taken over again 2 s later: needed again soon
        board.add(iv("r1", "ana", InterventionKind.TAKEOVER, 0));
        board.add(iv("r1", "ana", InterventionKind.HANDBACK, 10));
        board.add(iv("r1", "bo", InterventionKind.TAKEOVER, 12));
        board.add(iv("r1", "bo", InterventionKind.HANDBACK, 15));
        // bo's hand-back holds for a minute
        board.add(iv("r1", "ana", InterventionKind.TAKEOVER, 75));
        board.add(iv("r1", "ana", InterventionKind.HANDBACK, 80));
        // a hand-over at the same instant is not a relapse
        board.add(iv("r2", "bo", InterventionKind.TAKEOVER, 0));
        board.add(iv("r2", "bo", InterventionKind.HANDBACK, 4));
        board.add(iv("r2", "ana", InterventionKind.TAKEOVER, 4));
        // an episode that ends under control is handed back there and taken over at the next: a reset, not a relapse
        board.add(iv("r3", "e1", "bo", InterventionKind.TAKEOVER, 0));
        board.add(iv("r3", "e1", "bo", InterventionKind.HANDBACK, 1));
        board.add(iv("r3", "e2", "bo", InterventionKind.TAKEOVER, 1));        Map<String, OperatorBoard.Figures> byName = board.figures().stream()
                .collect(Collectors.toMap(OperatorBoard.Figures::operator, f -> f));
        OperatorBoard.Figures ana = byName.get("ana");
        assertEquals(3, ana.takeovers());
        assertEquals(2, ana.handbacks());
        assertEquals(15_000, ana.controlMillis());
        assertEquals(1, ana.neededAgainSoon());
        assertEquals(0.5, ana.neededAgainSoonShare());
        OperatorBoard.Figures bo = byName.get("bo");
        assertEquals(0, bo.neededAgainSoon());
        assertEquals(8_000, bo.controlMillis());
        assertEquals(List.of("bo", "ana"), board.figures().stream().map(OperatorBoard.Figures::operator).toList(),
                "busiest first");
    }
}
