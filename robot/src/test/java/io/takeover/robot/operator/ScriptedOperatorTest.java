package io.takeover.robot.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.robot.operator.ScriptedOperator.Decision;
import io.takeover.robot.task.Pendulum;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScriptedOperatorTest {

    @Test
    void theOperatorsSkillSwingsThePendulumUpFromHangingDown() {
        Pendulum p = new Pendulum();
        float[] obs = p.resetTo(Math.PI, 0);
        PendulumSkill skill = new PendulumSkill();
        for (int i = 0; i < Pendulum.MAX_STEPS; i++) {
            obs = p.step(skill.act(obs));
        }
        assertTrue(p.succeeded(), "an expert without noise succeeds");
    }

    @Test
    void takesOverWhenARobotHangsLowAndHandsBackOnceSafe() {
        Pendulum p = new Pendulum();
        float[] obs = p.resetTo(Math.PI, 0);
        ScriptedOperator operator = new ScriptedOperator("op", new PendulumSkill(), OperatorSettings.DEFAULT,
                new Random(1));
        List<String> events = new ArrayList<>();
        float[] nothing = {0f}; // a policy that does nothing
        for (int step = 0; step < Pendulum.MAX_STEPS; step++) {
            Decision d = operator.observe(obs, step, nothing);
            if (d != Decision.NONE) {
                events.add(d + "@" + step);
            }
            obs = p.step(operator.inControl() ? operator.act(obs) : nothing);
        }
        assertTrue(events.size() >= 2, "took over and handed back: " + events);
        assertTrue(events.get(0).startsWith("TAKEOVER@"), events.toString());
        int takeoverStep = Integer.parseInt(events.get(0).substring("TAKEOVER@".length()));
        assertTrue(takeoverStep >= 40 + OperatorSettings.DEFAULT.reactionSteps(),
                "not before the grace period and the reaction delay: " + takeoverStep);
        assertEquals("HANDBACK", events.get(1).split("@")[0]);
    }

    @Test
    void leavesARobotThatDoesWellAlone() {
        Pendulum p = new Pendulum();
        float[] obs = p.resetTo(0.05, 0);
        ScriptedOperator operator = new ScriptedOperator("op", new PendulumSkill(), OperatorSettings.DEFAULT,
                new Random(1));
        PendulumSkill goodPolicy = new PendulumSkill();
        for (int step = 0; step < Pendulum.MAX_STEPS; step++) {
            float[] proposed = goodPolicy.act(obs);
            assertEquals(Decision.NONE, operator.observe(obs, step, proposed), "step " + step);
            obs = p.step(proposed);
        }
    }

    @Test
    void theRandomStrategyTakesOverEvenARobotThatDoesWell() {
        Pendulum p = new Pendulum();
        float[] obs = p.resetTo(0.05, 0);
        ScriptedOperator operator = new ScriptedOperator("op", new PendulumSkill(),
                OperatorSettings.DEFAULT.withRandomTakeovers(0.02), new Random(1));
        PendulumSkill goodPolicy = new PendulumSkill();
        int takeovers = 0;
        for (int step = 0; step < 2000; step++) {
            float[] proposed = goodPolicy.act(obs);
            takeovers += operator.observe(obs, step, proposed) == Decision.TAKEOVER ? 1 : 0;
            obs = p.step(operator.inControl() ? operator.act(obs) : proposed);
        }
        assertTrue(takeovers >= 5, "took over " + takeovers + " times in 2,000 steps at 2% per free step");
    }
}
