package io.takeover.runtime.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.runtime.release.CanaryGate.Decision;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CanaryGateTest {

    private final CanaryGate gate = CanaryGate.DEFAULT;

    @Test
    void aClearlyWorseCanaryIsRolledBackAndAnEqualOneIsPromoted() {
        // stable 10 per 1k; canary 30 per 1k (3×) over 3,000 steps
        assertEquals(Decision.ROLL_BACK, gate.judge(3_000, 90, 27_000, 270).decision());
        // the same rate: more steps are needed to tell "no worse" than "worse" (log LR −2.5 at 3,000, −4.9 at 6,000)
        assertEquals(Decision.WAIT, gate.judge(3_000, 30, 27_000, 270).decision());
        assertEquals(Decision.PROMOTE, gate.judge(6_000, 60, 54_000, 540).decision());
        // better
        assertEquals(Decision.PROMOTE, gate.judge(3_000, 10, 27_000, 270).decision());
    }

    @Test
    void nothingIsDecidedBeforeTheMinimumSteps() {
        CanaryGate.Verdict v = gate.judge(500, 50, 27_000, 270);
        assertEquals(Decision.WAIT, v.decision());
        assertTrue(v.evidence().get("log_likelihood_ratio") > v.evidence().get("roll_back_at"),
                "the evidence is there, the steps are not");
        assertEquals(500.0, v.evidence().get("canary_steps"));
    }

    @Test
    void atTheStepLimitTheRateRatioDecides() {
        // 1.2× worse: between H0 and H1; undecided early, decided at the limit by the midpoint 1.25
        long n = gate.maxSteps();
        assertEquals(Decision.PROMOTE, gate.judge(n, (long) (n * 0.012), 9 * n, (long) (9 * n * 0.010)).decision());
        assertEquals(Decision.ROLL_BACK, gate.judge(n, (long) (n * 0.014), 9 * n, (long) (9 * n * 0.010)).decision());
    }

    /** Simulated fleets: the error rates it was built for, roughly, over many trials. */
    @Test
    void itsErrorRatesStayNearAlphaAndBetaOnSimulatedTraffic() {
        Random rng = new Random(1);
        int trials = 400;
        int falseRollbacks = 0;
        int falsePromotions = 0;
        for (int t = 0; t < trials; t++) {
            if (run(rng, 0.010, 0.010) == Decision.ROLL_BACK) {
                falseRollbacks++;
            }
            if (run(rng, 0.010, 0.015) == Decision.PROMOTE) { // exactly the "worse" the gate is built to catch
                falsePromotions++;
            }
        }
        assertTrue(falseRollbacks <= trials * 0.10, "false rollbacks " + falseRollbacks + " of " + trials);
        assertTrue(falsePromotions <= trials * 0.10, "false promotions " + falsePromotions + " of " + trials);
    }

    /** A canary on 10% of a fleet, judged every 500 canary steps, until the gate decides. */
    private Decision run(Random rng, double stableRate, double canaryRate) {
        return GateTrials.run(gate, rng, canaryRate, stableRate, 500, 4_500).decision();
    }
}
