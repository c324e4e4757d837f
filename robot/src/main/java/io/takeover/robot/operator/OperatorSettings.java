package io.takeover.robot.operator;

/**
 * How a scripted operator decides to take over, and how imperfect it is.
 *
 * @param strategy        {@link Strategy#RISK}: take over when the operator's own judgement says
 *                        the robot is heading for failure; {@link Strategy#RANDOM}: take over at any
 *                        step with {@code takeoverProbability} (the RLIF paper's two strategies)
 * @param reactionSteps   steps risk must persist before the operator reacts (human delay)
 * @param takeoverProbability chance per step of taking over: once reacting (RISK), or at all (RANDOM)
 * @param actionNoise     std-dev of Gaussian noise on the operator's actions, in action units;
 *                        the quality knob (see {@link OperatorQuality})
 * @param safeStepsToHandBack consecutive safe steps after which control is handed back
 * @param maxControlSteps hands back after this many steps in control regardless
 * @param cooldownSteps   steps after a hand-back before the operator may take over again
 */
public record OperatorSettings(Strategy strategy, int reactionSteps, double takeoverProbability,
        double actionNoise, int safeStepsToHandBack, int maxControlSteps, int cooldownSteps) {

    public enum Strategy { RISK, RANDOM }

    public static final OperatorSettings DEFAULT = new OperatorSettings(Strategy.RISK, 3, 0.8, 0.3, 15, 120, 10);

    public OperatorSettings {
        if (reactionSteps < 0 || safeStepsToHandBack < 1 || maxControlSteps < 1 || cooldownSteps < 0) {
            throw new IllegalArgumentException("operator step counts must be positive: " + this);
        }
        if (takeoverProbability < 0 || takeoverProbability > 1 || actionNoise < 0) {
            throw new IllegalArgumentException("takeover probability must be in [0,1], noise >= 0: " + this);
        }
    }

    /** Takes over at random, {@code perStep} at each step not under its control or cooldown. */
    public OperatorSettings withRandomTakeovers(double perStep) {
        return new OperatorSettings(Strategy.RANDOM, reactionSteps, perStep, actionNoise, safeStepsToHandBack,
                maxControlSteps, cooldownSteps);
    }

    public OperatorSettings withActionNoise(double noise) {
        return new OperatorSettings(strategy, reactionSteps, takeoverProbability, noise, safeStepsToHandBack,
                maxControlSteps, cooldownSteps);
    }
}
