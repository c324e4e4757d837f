package io.takeover.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.runtime.FleetStatsBoard.Totals;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void aVersionThatRanLongEnoughWithHalfTheTakeoversOfV0IsCalledOut() {
        Map<Long, Totals> versions = new TreeMap<>(Map.of(0L, new Totals(4000, 60, 20, 0),
                7L, new Totals(1200, 8, 6, 3), 8L, new Totals(100, 0, 0, 0)));
        String line = ProgressLine.format(95, 8, versions, 20_000, 41.5, 3900, 0);
        assertTrue(line.endsWith(" | takeovers halved: v0 15.0 → v7 6.7 per 1k"), line);
    }

    @Test
    void noVersionIsCalledOutBeforeItHasRunLongEnoughOrWhileItNeedsMoreThanHalf() {
        Map<Long, Totals> versions = new TreeMap<>(Map.of(0L, new Totals(4000, 60, 20, 0),
                7L, new Totals(1200, 10, 6, 3), 8L, new Totals(300, 0, 1, 1)));
        String line = ProgressLine.format(95, 8, versions, 20_000, 41.5, 3900, 12_000);
        assertFalse(line.contains("halved"), line);
        assertTrue(line.contains("learner 41.5 steps/s (3900), 12000 behind the data"), line);
    }
}
