package io.takeover.robot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.operator.OperatorSettings;
import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.sdk.RobotOutbox;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SimulatedRobotTest {

    @Test
    void underTheValueRuleTheOperatorControlsFourStepsAtATime() {
        List<Step> steps = new ArrayList<>();
        List<Intervention> interventions = new ArrayList<>();
        RobotOutbox outbox = new RobotOutbox() {
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
        ScriptedOperator operator = ScriptedOperator.forTask("op", Pendulum.NAME,
                OperatorSettings.DEFAULT.withValueRule(0.97), new Random(1));
        SimulatedRobot robot = new SimulatedRobot("r", new Pendulum(), operator, robotId -> null, outbox, 2);
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
