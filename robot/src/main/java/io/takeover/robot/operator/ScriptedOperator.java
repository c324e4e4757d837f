package io.takeover.robot.operator;

import java.util.Random;

/**
 * A deliberately imperfect operator watching one robot: takes over when its skill judges the
 * robot heading for failure (after a reaction delay, not always), at random steps, or when the
 * policy's proposed action is worth clearly less than its reference's (the RLIF paper's value
 * rule), as its {@link OperatorSettings#strategy} says; controls with a systematically biased
 * skill plus a little noise, and hands back when safe or when tired (or, under the value rule,
 * after a fixed number of steps). The robot's loop only asks {@link #observe} and {@link #act};
 * it knows nothing of how the decision is made.
 */
public final class ScriptedOperator {

    public enum Decision { NONE, TAKEOVER, HANDBACK }

    private final String id;
    private final OperatorSkill skill;
    private final OperatorSettings settings;
    private final Random rng;
    private final ValueJudge judge;

    private boolean inControl;
    private int riskSteps;
    private int safeSteps;
    private int controlSteps;
    private int cooldown;

    /** An operator with {@code skill}, which must have been made with the settings' bias. */
    public ScriptedOperator(String id, OperatorSkill skill, OperatorSettings settings, Random rng) {
        if (skill.bias() != settings.bias()) {
            throw new IllegalArgumentException("the skill's bias " + skill.bias() + " is not the settings' "
                    + settings.bias() + "; make it with OperatorSkill.forTask(task, settings.bias())");
        }
        this.id = id;
        this.skill = skill;
        this.settings = settings;
        this.rng = rng;
        this.judge = settings.strategy() == OperatorSettings.Strategy.VALUE ? new ValueJudge(skill.task()) : null;
    }

    /** An operator for {@code task} with the task's skill, biased as the settings say. */
    public static ScriptedOperator forTask(String id, String task, OperatorSettings settings, Random rng) {
        return new ScriptedOperator(id, OperatorSkill.forTask(task, settings.bias()), settings, rng);
    }

    /**
     * Watches the state the robot is about to act in and the action its policy proposes there
     * (only the value rule looks at it); says whether control changes hands now.
     */
    public Decision observe(float[] obs, long step, float[] policyAction) {
        boolean valueRule = settings.strategy() == OperatorSettings.Strategy.VALUE;
        if (inControl) {
            controlSteps++;
            boolean done;
            if (valueRule) {
                done = controlSteps >= settings.valueRule().interventionSteps();
            } else {
                safeSteps = skill.safe(obs) ? safeSteps + 1 : 0;
                done = safeSteps >= settings.safeStepsToHandBack() || controlSteps >= settings.maxControlSteps();
            }
            if (done) {
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
        switch (settings.strategy()) {
            case RANDOM -> decides = rng.nextDouble() < settings.takeoverProbability();
            case VALUE -> {
                OperatorSettings.ValueRule rule = settings.valueRule();
                double p = judge.worseThanReference(obs, policyAction, rule.alpha()) ? rule.highProbability()
                        : rule.lowProbability();
                decides = rng.nextDouble() < p;
            }
            default -> {
                riskSteps = skill.headingForFailure(obs, step) ? riskSteps + 1 : 0;
                decides = riskSteps > settings.reactionSteps() && rng.nextDouble() < settings.takeoverProbability();
            }
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

    /** Why this operator takes over, in a word or two, for the intervention record. */
    public String takeoverReason() {
        return switch (settings.strategy()) {
            case RISK -> "heading for failure";
            case RANDOM -> "at random";
            case VALUE -> "policy action worth less than the reference";
        };
    }

    /** Why this operator hands back, for the intervention record. */
    public String handBackReason() {
        return settings.strategy() == OperatorSettings.Strategy.VALUE ? "intervention over" : "safe";
    }

    public boolean inControl() {
        return inControl;
    }

    public String id() {
        return id;
    }

    private void handBack() {
        inControl = false;
        cooldown = settings.strategy() == OperatorSettings.Strategy.VALUE ? 0 : settings.cooldownSteps();
        riskSteps = 0;
    }
}
