package io.takeover.runtime.release;

import java.util.Random;

/**
 * The canary gate on simulated traffic: takeovers as Poisson counts at given rates per step, the
 * gate judging after every look, as the release controller does once a second. For measuring its
 * error rates and how long it takes, many trials at a time.
 */
public final class GateTrials {

    /** How one trial ended: the decision, and after how many looks. */
    public record Outcome(CanaryGate.Decision decision, int looks) {}

    private GateTrials() {}

    /**
     * @param canaryRate  takeovers per canary step
     * @param stableRate  takeovers per stable step
     * @param canarySteps canary steps between two looks
     * @param stableSteps stable steps between two looks
     */
    public static Outcome run(CanaryGate gate, Random rng, double canaryRate, double stableRate, long canarySteps,
            long stableSteps) {
        long cs = 0;
        long ct = 0;
        long ss = 0;
        long st = 0;
        int looks = 0;
        CanaryGate.Decision decision = CanaryGate.Decision.WAIT;
        while (decision == CanaryGate.Decision.WAIT) {
            looks++;
            cs += canarySteps;
            ct += poisson(rng, canarySteps * canaryRate);
            ss += stableSteps;
            st += poisson(rng, stableSteps * stableRate);
            decision = gate.judge(cs, ct, ss, st).decision();
        }
        return new Outcome(decision, looks);
    }

    /** Knuth's method for small means; a rounded normal for large ones, where its product underflows. */
    static long poisson(Random rng, double mean) {
        if (mean > 30) {
            return Math.max(0, Math.round(mean + Math.sqrt(mean) * rng.nextGaussian()));
        }
        double limit = Math.exp(-mean);
        double product = rng.nextDouble();
        long k = 0;
        while (product > limit) {
            product *= rng.nextDouble();
            k++;
        }
        return k;
    }
}
