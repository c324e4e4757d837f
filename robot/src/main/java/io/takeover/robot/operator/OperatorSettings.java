package io.takeover.robot.operator;

/**
 * How imperfect a scripted operator is.
 *
 * @param reactionSteps   steps risk must persist before the operator reacts (human delay)
 * @param takeoverProbability chance per step of taking over once reacting
 * @param actionNoise     std-dev of Gaussian noise on the operator's actions, in action units
 * @param safeStepsToHandBack consecutive safe steps after which control is handed back
 * @param maxControlSteps hands back after this many steps in control regardless
 * @param cooldownSteps   steps after a hand-back before the operator may take over again
 */
public record OperatorSettings(int reactionSteps, double takeoverProbability, double actionNoise,
        int safeStepsToHandBack, int maxControlSteps, int cooldownSteps) {

    public static final OperatorSettings DEFAULT = new OperatorSettings(3, 0.8, 0.3, 15, 120, 10);

    public OperatorSettings {
        if (reactionSteps < 0 || safeStepsToHandBack < 1 || maxControlSteps < 1 || cooldownSteps < 0) {
            throw new IllegalArgumentException("operator step counts must be positive: " + this);
        }
        if (takeoverProbability < 0 || takeoverProbability > 1 || actionNoise < 0) {
            throw new IllegalArgumentException("takeover probability must be in [0,1], noise >= 0: " + this);
        }
    }
}
