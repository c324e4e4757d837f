package io.takeover.tools.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.learner.Algorithm;
import io.takeover.replay.store.BatchMix;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockstepRunTest {

    private static LockstepSettings small(Algorithm algorithm) {
        OperatorSpec spec = new OperatorSpec(0.4, "systematic", "value");
        return new LockstepSettings("pendulum", algorithm, spec.settings("pendulum", 1), 1, 600, 0.5, 200, 2, 50, 200,
                3, 10, 16, 2, 32, 2, 1, BatchMix.SYMMETRIC);
    }

    @Test
    void aRunTakesItsExactRatioOfGradientStepsAndCountsWhatTheOperatorDid(@TempDir Path dir) throws Exception {
        List<LockstepRun.Point> points = new LockstepRun(small(Algorithm.RLIF)).run(dir.resolve("a"), p -> { });
        assertEquals(List.of(0L, 200L, 400L, 600L), points.stream().map(LockstepRun.Point::envSteps).toList());
        LockstepRun.Point last = points.get(3);
        assertEquals(200, last.gradientSteps(), "0.5 per environment step after the 200 of warm-up: 1 + (600 − 200) / 2,"
                + " rounded down");
        assertTrue(last.takeovers() > 0, "the value rule took over");
        assertTrue(last.operatorSteps() > 2 * 200, "two demonstrations plus the interventions: " + last.operatorSteps());
        assertEquals(3, last.episodes(), "600 steps of 200-step episodes");
        assertTrue(Double.isNaN(points.get(0).success()), "no policy before the first gradient step");
        assertTrue(last.success() >= 0 && last.success() <= 1);
    }

    @Test
    void theSameSeedGivesTheSameRun(@TempDir Path dir) throws Exception {
        List<LockstepRun.Point> a = new LockstepRun(small(Algorithm.HG_DAGGER)).run(dir.resolve("a"), p -> { });
        List<LockstepRun.Point> b = new LockstepRun(small(Algorithm.HG_DAGGER)).run(dir.resolve("b"), p -> { });
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            LockstepRun.Point x = a.get(i);
            LockstepRun.Point y = b.get(i);
            assertEquals(List.of(x.envSteps(), x.takeovers(), x.operatorSteps(), x.gradientSteps(), x.episodes()),
                    List.of(y.envSteps(), y.takeovers(), y.operatorSteps(), y.gradientSteps(), y.episodes()));
            assertEquals(x.success(), y.success());
            assertEquals(x.successSampled(), y.successSampled());
        }
        assertEquals(50, a.get(0).gradientSteps(), "HG-DAgger pre-trains on the demonstrations before the first step");
    }
}
