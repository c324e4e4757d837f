package io.takeover.runtime.release;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Is the canary version worse than stable, by takeovers per step on live traffic? A sequential
 * probability ratio test (Wald) on the Poisson rate ratio ρ = canary rate / stable rate: given
 * the takeovers of both, each is the canary's with probability p = ρ·n_c / (ρ·n_c + n_s), for
 * n_c and n_s steps. H0: ρ = 1 (no worse) against H1: ρ = {@code worseRatio}. The log
 * likelihood ratio crosses ln((1−β)/α) → roll back (worse), or ln(β/(1−α)) → promote (better
 * or equal); α is the chance of rolling back a version as good as stable, β of promoting one
 * {@code worseRatio} times worse. No decision before both have {@code minSteps} steps; at
 * {@code maxSteps} canary steps without one, the rate ratio decides against the midpoint.
 */
public record CanaryGate(double worseRatio, double alpha, double beta, long minSteps, long maxSteps) {

    /** 1.5× the takeovers is worse; 5% false rollbacks, 5% false promotions; 2,000 to 50,000 canary steps. */
    public static final CanaryGate DEFAULT = new CanaryGate(1.5, 0.05, 0.05, 2_000, 50_000);

    public CanaryGate {
        if (!(worseRatio > 1) || !(alpha > 0 && alpha < 0.5) || !(beta > 0 && beta < 0.5) || minSteps < 1
                || maxSteps < minSteps) {
            throw new IllegalArgumentException("canary gate: worse ratio > 1, α and β in (0, 0.5), 1 ≤ min steps ≤ "
                    + "max steps; got " + this);
        }
    }

    public enum Decision { WAIT, PROMOTE, ROLL_BACK }

    /** A decision with the figures it rests on. */
    public record Verdict(Decision decision, Map<String, Double> evidence) {}

    /** The log likelihood ratio at or above which the canary is rolled back: ln((1−β)/α). */
    public double rollBackAt() {
        return Math.log((1 - beta) / alpha);
    }

    /** The log likelihood ratio at or below which the canary is promoted: ln(β/(1−α)). */
    public double promoteAt() {
        return Math.log(beta / (1 - alpha));
    }

    /** Judges the canary's steps and takeovers against stable's, both counted since the canary opened. */
    public Verdict judge(long canarySteps, long canaryTakeovers, long stableSteps, long stableTakeovers) {
        double upper = rollBackAt();
        double lower = promoteAt();
        double llr = 0;
        if (canarySteps > 0 && stableSteps > 0) {
            double p0 = canarySteps / (double) (canarySteps + stableSteps);
            double p1 = worseRatio * canarySteps / (worseRatio * canarySteps + stableSteps);
            llr = canaryTakeovers * Math.log(p1 / p0) + stableTakeovers * Math.log((1 - p1) / (1 - p0));
        }
        double canaryRate = canarySteps == 0 ? 0 : 1000.0 * canaryTakeovers / canarySteps;
        double stableRate = stableSteps == 0 ? 0 : 1000.0 * stableTakeovers / stableSteps;
        // +0.5: a rate ratio that exists when either side has no takeovers yet
        double ratio = ((canaryTakeovers + 0.5) / Math.max(1, canarySteps))
                / ((stableTakeovers + 0.5) / Math.max(1, stableSteps));
        Decision decision = Decision.WAIT;
        if (canarySteps >= minSteps && stableSteps >= minSteps) {
            if (llr >= upper) {
                decision = Decision.ROLL_BACK;
            } else if (llr <= lower) {
                decision = Decision.PROMOTE;
            } else if (canarySteps >= maxSteps) {
                decision = ratio <= (1 + worseRatio) / 2 ? Decision.PROMOTE : Decision.ROLL_BACK;
            }
        }
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("canary_steps", (double) canarySteps);
        evidence.put("canary_takeovers", (double) canaryTakeovers);
        evidence.put("canary_takeovers_per_1k", canaryRate);
        evidence.put("stable_steps", (double) stableSteps);
        evidence.put("stable_takeovers", (double) stableTakeovers);
        evidence.put("stable_takeovers_per_1k", stableRate);
        evidence.put("rate_ratio", ratio);
        evidence.put("log_likelihood_ratio", llr);
        evidence.put("roll_back_at", upper);
        evidence.put("promote_at", lower);
        return new Verdict(decision, evidence);
    }
}
