package io.takeover.tools.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.tools.experiment.LockstepResults.Operator;
import io.takeover.tools.experiment.LockstepResults.Run;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LockstepReportTest {

    private static final int BUDGET = 4000;

    @TempDir
    Path dir;

    /** Evaluations every 1,000 steps; the first success is at 0 steps (NaN: no policy yet). */
    private static Run run(String arm, double quality, long seed, long takeoversPerWindow, double... success) {
        List<LockstepRun.Point> points = new ArrayList<>();
        for (int i = 0; i < success.length; i++) {
            points.add(new LockstepRun.Point(1000L * i, success[i], success[i], takeoversPerWindow * i, 500 + 100L * i,
                    2000L * i, 5L * i, 2L * i, 1.5 * i));
        }
        return new Run(arm, quality, seed, points);
    }

    /**
     * At 40% RLIF ends 40 points above HG-DAgger on every seed and above the operator; at 70%
     * it ends below the operator.
     */
    private static LockstepResults results() {
        List<Operator> operators = new ArrayList<>();
        List<Run> runs = new ArrayList<>();
        for (long seed = 1; seed <= 3; seed++) {
            double d = 0.05 * seed;
            operators.add(new Operator(0.4, seed, "noisy", 0.35 + d));
            operators.add(new Operator(0.7, seed, "noisy", 0.65 + d));
            runs.add(run("rlif", 0.4, seed, 4, Double.NaN, 0.5, 0.8 + d, 0.8 + d, 0.8 + d));
            runs.add(run("hg-dagger", 0.4, seed, 10, 0.2, 0.3, 0.4 + d, 0.4 + d, 0.4 + d));
            runs.add(run("rlif", 0.7, seed, 2, Double.NaN, 0.3, 0.5 + d, 0.5 + d, 0.5 + d));
            runs.add(run("hg-dagger", 0.7, seed, 6, 0.3, 0.4, 0.6 + d, 0.6 + d, 0.6 + d));
        }
        return new LockstepResults("pendulum", BUDGET, List.of(0.4, 0.7), operators, runs);
    }

    @Test
    void writesTheChartsAtOnePanelPerQuality() throws Exception {
        LockstepReport.write(results(), dir);
        for (String name : List.of("success.png", "takeovers.png", "human-cost.png")) {
            BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
            assertEquals(2 * ChartPanel.WIDTH, image.getWidth(), name);
            assertEquals(ChartPanel.HEIGHT + LockstepCharts.LEGEND_HEIGHT, image.getHeight(), name);
            assertTrue(hasColour(image, 0xff1f77b4), name + ": RLIF's mean is drawn");
            assertTrue(hasColour(image, 0xffff7f0e), name + ": HG-DAgger's mean is drawn");
        }
        BufferedImage success = ImageIO.read(dir.resolve("success.png").toFile());
        assertTrue(hasColour(success, 0xff2ca02c), "BC on demonstrations is drawn");
        BufferedImage quality = ImageIO.read(dir.resolve("quality.png").toFile());
        assertEquals(ChartPanel.WIDTH, quality.getWidth());
    }

    @Test
    void oneQualityHasNoQualityChart() throws Exception {
        LockstepResults all = results();
        LockstepResults one = new LockstepResults(all.task(), all.envSteps(), List.of(0.4),
                all.operators().stream().filter(o -> o.quality() == 0.4).toList(),
                all.runs().stream().filter(r -> r.quality() == 0.4).toList());
        LockstepReport.write(one, dir);
        assertEquals(ChartPanel.WIDTH, ImageIO.read(dir.resolve("success.png").toFile()).getWidth());
        assertTrue(Files.notExists(dir.resolve("quality.png")));
    }

    @Test
    void theTableHasTheComparisonsAndTheirIntervals() throws Exception {
        LockstepReport.write(results(), dir);
        String md = Files.readString(dir.resolve("results.md"));
        assertEquals(LockstepReport.summary(results()), md);
        assertTrue(md.contains("## Operator 40% (alone: 45%), 3 seeds"), md);
        assertTrue(md.contains("- RLIF − HG-DAgger (paired by seed): +40.0 points, 95% CI [+40.0, +40.0]; "
                + "above 0: yes"), md);
        assertTrue(md.contains("- RLIF − operator alone: +45.0 points"), md);
        assertTrue(md.contains("- RLIF − HG-DAgger (paired by seed): -10.0 points"), md);
        assertTrue(md.contains("- RLIF − operator alone: -15.0 points"), md);
        assertTrue(md.contains("above 0: no"), md);
        // RLIF at 40%: 4 takeovers per 1,000 steps; 900 operator steps, 8,000 gradient steps, 6 s at the end
        assertTrue(md.contains("| rlif | 90.0% [85.0, 95.0] | 4.0 | 900 | 8,000 | 6 |"), md);
        assertTrue(md.contains("| BC on demonstrations | 20.0% [20.0, 20.0] |"), md);
        assertTrue(md.contains("| operator alone | 45.0% [40.0, 50.0] |"), md);
    }

    @Test
    void theCsvHasEveryPointAndTheOperatorAlone() throws Exception {
        LockstepReport.write(results(), dir);
        List<String> lines = Files.readAllLines(dir.resolve("results.csv"));
        assertEquals("arm,quality,seed,env_steps,success,success_sampled,takeovers,operator_steps,gradient_steps,"
                + "episodes,episode_successes,seconds", lines.get(0));
        assertEquals(1 + 12 * 5 + 6, lines.size());
        assertEquals("rlif,0.4,1,0,,,0,500,0,0,0,0.0", lines.get(1), "no policy yet: success left empty");
        assertTrue(lines.contains("operator-alone,0.4,3,,0.5,,,,,,,"), String.join("\n", lines));
    }

    @Test
    void theIntervalOfIdenticalValuesIsThatValue() {
        Bootstrap.Interval ci = Bootstrap.mean95(new double[] {0.3, 0.3, 0.3, Double.NaN});
        assertEquals(0.3, ci.low(), 1e-12);
        assertEquals(0.3, ci.high(), 1e-12);
        Bootstrap.Interval spread = Bootstrap.mean95(new double[] {0, 1, 0, 1});
        assertTrue(spread.low() < 0.5 && spread.high() > 0.5, spread.toString());
        assertEquals(spread, Bootstrap.mean95(new double[] {0, 1, 0, 1}), "the resampling is seeded");
    }

    @Test
    void takeoverRatesAreTheWindowDifferencesPerThousandSteps() {
        Run run = run("rlif", 0.4, 1, 7, Double.NaN, 0.1, 0.2, 0.3, 0.4);
        LockstepCharts.Trace trace = LockstepCharts.takeoverTrace(run);
        assertEquals(4, trace.y().length);
        assertEquals(7, trace.y()[0], 1e-9);
        assertEquals(1000, trace.x()[0], 1e-9, "a window is drawn at its end");
        assertEquals(7, LockstepReport.lastQuarterTakeoversPer1k(run, BUDGET), 1e-9);
    }

    @Test
    void axesEndOnRoundNumbers() {
        assertEquals(6000, ChartPanel.niceMax(5090), 1e-9);
        assertEquals(32, ChartPanel.niceMax(28), 1e-9);
        assertEquals(20, ChartPanel.niceMax(20), 1e-9);
        assertEquals(1, ChartPanel.niceMax(Double.NaN), 1e-9);
    }

    private static boolean hasColour(BufferedImage image, int argb) {
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                if (image.getRGB(x, y) == argb) {
                    return true;
                }
            }
        }
        return false;
    }
}
