package io.takeover.robot.operator;

/**
 * How a scripted operator decides to take over, and how imperfect it is.
 *
 * @param strategy        {@link Strategy#RISK}: take over when the operator's own judgement says
 *                        the robot is heading for failure; {@link Strategy#RANDOM}: take over at any
 *                        step with {@code takeoverProbability} (the RLIF paper's two scripted
 *                        strategies); {@link Strategy#VALUE}: the paper's value rule, see {@link ValueRule}
 * @param reactionSteps   steps risk must persist before the operator reacts (human delay)
 * @param takeoverProbability chance per step of taking over: once reacting (RISK), or at all (RANDOM)
 * @param actionNoise     std-dev of Gaussian noise on the operator's actions, in action units:
 *                        small and unsystematic, the jitter of a hand
 * @param bias            how wrong the operator is systematically (see {@link OperatorSkill#forTask(String, double)});
 *                        the quality knob (see {@link OperatorQuality})
 * @param safeStepsToHandBack consecutive safe steps after which control is handed back (RISK, RANDOM)
 * @param maxControlSteps hands back after this many steps in control regardless (RISK, RANDOM)
 * @param cooldownSteps   steps after a hand-back before the operator may take over again (RISK, RANDOM)
 * @param valueRule       when and for how long the operator takes over under {@link Strategy#VALUE}
 */
public record OperatorSettings(Strategy strategy, int reactionSteps, double takeoverProbability,
        double actionNoise, double bias, int safeStepsToHandBack, int maxControlSteps, int cooldownSteps,
        ValueRule valueRule) {

    public enum Strategy { RISK, RANDOM, VALUE }

    /**
     * The RLIF paper's intervention rule. At each step not under its control the operator compares
     * the policy's proposed action with its reference controller's by their value
     * (see {@link ValueJudge}): if {@code Q(s, a_policy) < alpha · Q(s, a_ref)} it takes over with
     * {@code highProbability}, else with {@code lowProbability}; an intervention lasts exactly
     * {@code interventionSteps} steps, and there is no cooldown.
     */
    public record ValueRule(double alpha, double highProbability, double lowProbability, int interventionSteps) {

        public static final ValueRule DEFAULT = new ValueRule(0.97, 0.95, 0.05, 4);

        public ValueRule {
            if (!(alpha > 0 && alpha <= 1)) {
                throw new IllegalArgumentException("the value rule's alpha is in (0, 1], got " + alpha);
            }
            if (!(highProbability >= 0 && highProbability <= 1 && lowProbability >= 0 && lowProbability <= 1)) {
                throw new IllegalArgumentException("takeover probabilities must be in [0, 1]: " + this);
            }
            if (interventionSteps < 1) {
                throw new IllegalArgumentException("an intervention lasts at least one step: " + this);
            }
        }

        public ValueRule withAlpha(double a) {
            return new ValueRule(a, highProbability, lowProbability, interventionSteps);
        }
    }

    public static final OperatorSettings DEFAULT =
            new OperatorSettings(Strategy.RISK, 3, 0.8, 0.05, 0, 15, 120, 10, ValueRule.DEFAULT);

    public OperatorSettings {
        if (reactionSteps < 0 || safeStepsToHandBack < 1 || maxControlSteps < 1 || cooldownSteps < 0) {
            throw new IllegalArgumentException("operator step counts must be positive: " + this);
        }
        if (!(takeoverProbability >= 0 && takeoverProbability <= 1 && actionNoise >= 0 && bias >= 0)) {
            throw new IllegalArgumentException("takeover probability must be in [0,1], noise and bias >= 0: " + this);
        }
        if (strategy == null || valueRule == null) {
            throw new IllegalArgumentException("an operator needs a strategy and a value rule: " + this);
        }
    }

    /** Takes over at random, {@code perStep} at each step not under its control or cooldown. */
    public OperatorSettings withRandomTakeovers(double perStep) {
        return new OperatorSettings(Strategy.RANDOM, reactionSteps, perStep, actionNoise, bias, safeStepsToHandBack,
                maxControlSteps, cooldownSteps, valueRule);
    }

    /** Takes over by the paper's value rule, with this {@code alpha} (by default: 0.97). */
    public OperatorSettings withValueRule(double alpha) {
        return withValueRule(valueRule.withAlpha(alpha));
    }

    public OperatorSettings withValueRule(ValueRule rule) {
        return new OperatorSettings(Strategy.VALUE, reactionSteps, takeoverProbability, actionNoise, bias,
                safeStepsToHandBack, maxControlSteps, cooldownSteps, rule);
    }

    public OperatorSettings withActionNoise(double noise) {
        return new OperatorSettings(strategy, reactionSteps, takeoverProbability, noise, bias, safeStepsToHandBack,
                maxControlSteps, cooldownSteps, valueRule);
    }

    public OperatorSettings withBias(double b) {
        return new OperatorSettings(strategy, reactionSteps, takeoverProbability, actionNoise, b, safeStepsToHandBack,
                maxControlSteps, cooldownSteps, valueRule);
    }
}
