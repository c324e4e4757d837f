package io.takeover.robot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.operator.OperatorSettings;
import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.sdk.RobotOutbox;
import io.takeover.robot.task.Pendulum;
import io.takeover.robot.teleop.TeleopInbox;
import io.takeover.schemas.TeleopCommand;
import io.takeover.schemas.TeleopKind;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatedRobotTest {

    private final List<Step> steps = new ArrayList<>();
    private final List<Intervention> interventions = new ArrayList<>();
    private final RobotOutbox recorder = new RobotOutbox() {
        @Override
        public void step(Step step) {
            steps.add(step);
        }

        @Override
        public void intervention(Intervention intervention) {
            interventions.add(intervention);
        }

        @Override
        public void close() {}
    };

    private static TeleopCommand command(TeleopKind kind, float... action) {
        List<Float> values = new ArrayList<>();
        for (float a : action) {
            values.add(a);
        }
        return TeleopCommand.newBuilder().setRobotId("r").setOperatorId("ana").setKind(kind).setAction(values)
                .setSentAt(Instant.now()).build();
    }

    @Test
    void theConsoleTakesOverFromTheScriptedOperatorDrivesAndHandsBackAtTheStepsItChose() {
        ScriptedOperator scripted = ScriptedOperator.forTask("op", Pendulum.NAME,
                OperatorSettings.DEFAULT.withValueRule(0.97), new Random(1));
        TeleopInbox inbox = new TeleopInbox(Duration.ofHours(1), System::nanoTime, System::currentTimeMillis);
        SimulatedRobot robot = new SimulatedRobot("r", new Pendulum(), scripted, robotId -> null, recorder, inbox, 2);
        Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
        int tick = 0;
        while (!scripted.inControl()) { // the value rule takes a random policy over within a few steps
            robot.tick(t0.plusMillis(50L * tick++));
        }
        int scriptedTakeovers = interventions.size();
        inbox.accept(command(TeleopKind.TAKEOVER));
        inbox.accept(command(TeleopKind.DRIVE, 1.5f));
        Instant takenAt = t0.plusMillis(50L * tick);
        for (int i = 0; i < 20; i++) {
            robot.tick(t0.plusMillis(50L * tick++));
        }
        inbox.accept(command(TeleopKind.HANDBACK));
        Instant handedAt = t0.plusMillis(50L * tick);
        robot.tick(t0.plusMillis(50L * tick++));

        List<Intervention> console = interventions.subList(scriptedTakeovers, interventions.size());
        assertEquals(List.of("HANDBACK op", "TAKEOVER ana", "HANDBACK ana"), console.stream()
                .map(iv -> iv.getKind() + " " + iv.getOperatorId()).toList(), "the scripted operator lets go first");
        assertEquals(takenAt, console.get(0).getEventTime());
        assertEquals(takenAt, console.get(1).getEventTime(), "the takeover is stamped with the step it starts at");
        assertEquals(handedAt, console.get(2).getEventTime());
        List<Step> held = steps.stream().filter(s -> !s.getEventTime().isBefore(takenAt)
                && s.getEventTime().isBefore(handedAt) && !s.getAction().isEmpty()).toList();
        assertEquals(20, held.size());
        for (Step s : held) {
            assertEquals(Control.OPERATOR, s.getControl());
            assertEquals(List.of(1.5f), s.getAction(), "the operator's action, within the bounds");
        }
        Step after = steps.get(steps.size() - 1);
        assertEquals(handedAt, after.getEventTime());
        assertNull(robot.consoleOperator());
        assertFalse(scripted.inControl(), "the scripted operator does not resume control by itself");
    }

    @Test
    void aHoldAcrossAnEpisodeEndIsHandedBackThereAndTakenOverAtTheNextFirstStep() {
        ScriptedOperator scripted = ScriptedOperator.forTask("op", Pendulum.NAME,
                OperatorSettings.DEFAULT.withValueRule(0.97), new Random(1));
        TeleopInbox inbox = new TeleopInbox(Duration.ofHours(1), System::nanoTime, System::currentTimeMillis);
        SimulatedRobot robot = new SimulatedRobot("r", new Pendulum(), scripted, robotId -> null, recorder, inbox, 2);
        inbox.accept(command(TeleopKind.DRIVE, 9f));
        Instant t0 = Instant.ofEpochMilli(1_700_000_000_000L);
        for (int tick = 0; tick < Pendulum.MAX_STEPS + 5; tick++) {
            robot.tick(t0.plusMillis(50L * tick));
        }
        assertEquals(List.of("TAKEOVER ana", "HANDBACK ana", "TAKEOVER ana"), interventions.stream()
                .map(iv -> iv.getKind() + " " + iv.getOperatorId()).toList());
        assertEquals(List.of(0L, (long) Pendulum.MAX_STEPS, 0L), interventions.stream().map(iv -> steps.stream()
                .filter(s -> s.getEpisodeId().equals(iv.getEpisodeId()) && s.getEventTime().equals(iv.getEventTime()))
                .findFirst().orElseThrow().getStep()).toList(), "each at a step of its own episode");
        assertTrue(steps.stream().allMatch(s -> s.getControl() == Control.OPERATOR));
        assertTrue(steps.stream().filter(s -> !s.getAction().isEmpty()).allMatch(s -> s.getAction().get(0) == 2f),
                "9 is clipped to the pendulum's bound of 2");
    }

    @Test
    void underTheValueRuleTheOperatorControlsFourStepsAtATime() {
        ScriptedOperator operator = ScriptedOperator.forTask("op", Pendulum.NAME,
                OperatorSettings.DEFAULT.withValueRule(0.97), new Random(1));
        SimulatedRobot robot = new SimulatedRobot("r", new Pendulum(), operator, robotId -> null, recorder, 2);
        Instant now = Instant.ofEpochMilli(1_700_000_000_000L);
        for (int tick = 0; tick < 4 * Pendulum.MAX_STEPS; tick++) {
            robot.tick(now.plusMillis(tick));
        }
        int run = 0;
        int runs = 0;
        for (Step step : steps) {
            boolean acted = !step.getAction().isEmpty();
            if (acted && step.getControl() == Control.OPERATOR) {
                run++;
            } else if (run > 0) {
                assertTrue(run == 4 || !acted, "an intervention lasts exactly 4 steps (but at an episode's end): "
                        + run);
                run = 0;
                runs++;
            }
        }
        assertTrue(runs >= 10, "a random policy is taken over often: " + runs);
        assertEquals(InterventionKind.TAKEOVER, interventions.get(0).getKind());
        assertEquals("policy action worth less than the reference", interventions.get(0).getReason());
    }
}
