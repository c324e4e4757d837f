package io.takeover.tools.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.takeover.runtime.FleetStatsBoard.Totals;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LearningCurveTest {

    @Test
    void eachVersionsCountsAreSpreadOverTheStepsItRanInVersionOrder() {
        Map<Long, Totals> byVersion = new TreeMap<>();
        byVersion.put(0L, new Totals(1500, 30, 5, 0)); // 20 per 1k, never succeeds
        byVersion.put(1L, new Totals(1000, 0, 4, 4)); // 0 per 1k, always succeeds
        byVersion.put(2L, new Totals(700, 7, 2, 1)); // a last, partial bin: left out
        LearningCurve c = LearningCurve.of(byVersion, 1000);
        assertEquals(3, c.successRate().length, "3,200 steps make 3 whole bins of 1,000");
        assertEquals(20, c.takeoversPer1k()[0], 1e-9);
        assertEquals(0, c.successRate()[0], 1e-9);
        // the last third of v0, the first half of v1
        assertEquals(10, c.takeoversPer1k()[1], 1e-9);
        assertEquals(2 / (5.0 / 3 + 2), c.successRate()[1], 1e-9);
        // the second half of v1, then 500 of v2's 700 steps
        assertEquals(5, c.takeoversPer1k()[2], 1e-9);
        assertEquals((2 + 5.0 / 7) / (2 + 10.0 / 7), c.successRate()[2], 1e-9);
    }
}
