package io.takeover.robot.operator;

import java.util.Random;

/**
 * A deliberately imperfect operator watching one robot: takes over when its skill judges the
 * robot heading for failure (after a reaction delay, not always), or at random steps, as its
 * {@link OperatorSettings#strategy} says; controls with noisy actions,
 * and hands back when safe or when tired. The robot's loop only asks {@link #observe} and
 * {@link #act}; it knows nothing of how the decision is made.
 */
public final class ScriptedOperator {

    public enum Decision { NONE, TAKEOVER, HANDBACK }

    private final String id;
    private final OperatorSkill skill;
    private final OperatorSettings settings;
    private final Random rng;

    private boolean inControl;
    private int riskSteps;
    private int safeSteps;
    private int controlSteps;
    private int cooldown;

    public ScriptedOperator(String id, OperatorSkill skill, OperatorSettings settings, Random rng) {
        this.id = id;
        this.skill = skill;
        this.settings = settings;
        this.rng = rng;
    }

    /** Watches the state the robot is about to act in; says whether control changes hands now. */
    public Decision observe(float[] obs, long step) {
        if (inControl) {
            controlSteps++;
            safeSteps = skill.safe(obs) ? safeSteps + 1 : 0;
            if (safeSteps >= settings.safeStepsToHandBack() || controlSteps >= settings.maxControlSteps()) {
                handBack();
                return Decision.HANDBACK;
            }
            return Decision.NONE;
        }
        if (cooldown > 0) {
            cooldown--;
            return Decision.NONE;
        }
        boolean decides;
        if (settings.strategy() == OperatorSettings.Strategy.RANDOM) {
            decides = rng.nextDouble() < settings.takeoverProbability();
        } else {
            riskSteps = skill.headingForFailure(obs, step) ? riskSteps + 1 : 0;
            decides = riskSteps > settings.reactionSteps() && rng.nextDouble() < settings.takeoverProbability();
        }
        if (decides) {
            inControl = true;
            controlSteps = 0;
            safeSteps = 0;
            riskSteps = 0;
            return Decision.TAKEOVER;
        }
        return Decision.NONE;
    }

    /** The operator's action while in control. */
    public float[] act(float[] obs) {
        float[] action = skill.act(obs);
        for (int i = 0; i < action.length; i++) {
            action[i] += (float) (rng.nextGaussian() * settings.actionNoise());
        }
        return action;
    }

    /** The episode ended: the operator lets go. Returns whether it was in control. */
    public boolean endEpisode() {
        boolean was = inControl;
        inControl = false;
        riskSteps = 0;
        cooldown = 0;
        return was;
    }

    public boolean inControl() {
        return inControl;
    }

    public String id() {
        return id;
    }

    private void handBack() {
        inControl = false;
        cooldown = settings.cooldownSteps();
        riskSteps = 0;
    }
}
