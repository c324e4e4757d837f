package io.takeover.robot.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.operator.OperatorQuality;
import io.takeover.robot.operator.OperatorSettings;
import io.takeover.robot.operator.ScriptedOperator;
import io.takeover.robot.task.Pendulum;
import io.takeover.robot.task.Simulators;
import io.takeover.schemas.Control;
import io.takeover.schemas.Transition;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DemonstrationsTest {

    @Test
    void demonstrationsAreWholeOperatorEpisodesWithRewardZero() {
        OperatorSettings operator = OperatorQuality.calibrate(Pendulum.NAME, 0.4, OperatorSettings.DEFAULT, 1);
        Demonstrations.Recorded demos = Demonstrations.record(() -> Simulators.create(Pendulum.NAME),
                ScriptedOperator.forTask("op", Pendulum.NAME, operator, new Random(1)), 30, 2);
        assertEquals(30 * Pendulum.MAX_STEPS, demos.transitions().size());
        for (Transition t : demos.transitions()) {
            assertEquals(0f, t.getReward());
            assertEquals(Control.OPERATOR, t.getSource());
            assertEquals("op", t.getOperatorId());
        }
        Transition first = demos.transitions().get(0);
        Transition second = demos.transitions().get(1);
        assertEquals(first.getNextObservation(), second.getObservation(), "consecutive steps chain");
        assertTrue(demos.successRate() > 0.15 && demos.successRate() < 0.7,
                "a 40% operator's demonstrations succeed about as often: " + demos.successRate());
    }
}
