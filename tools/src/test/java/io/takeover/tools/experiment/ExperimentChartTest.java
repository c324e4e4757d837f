package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExperimentChartTest {

    @TempDir
    Path dir;

    private static Experiment.Run run(Algorithm algorithm, long seed, double... success) {
        double[] per1k = new double[success.length];
        for (int i = 0; i < per1k.length; i++) {
            per1k[i] = 20 * (1 - success[i]);
        }
        return new Experiment.Run(algorithm, seed, new LearningCurve(1000, success, per1k));
    }

    @Test
    void meansAreOverSeedsPerPointAndTheChartIsDrawn() throws Exception {
        Experiment.Result result = new Experiment.Result(
                new Experiment.Settings("pendulum", 0.4, 2, Duration.ofSeconds(60), 8, 20, 1000), List.of(0.4, 0.5),
                List.of(run(Algorithm.RLIF, 1, 0, 0.5, 0.9), run(Algorithm.RLIF, 2, 0, Double.NaN, 0.7, 0.8),
                        run(Algorithm.HG_DAGGER, 1, 0.2, 0.3, 0.4), run(Algorithm.HG_DAGGER, 2, 0.2, 0.5, 0.6)));
        assertEquals(3, result.bins(), "the points every run has");
        assertEquals(0.45, result.operatorAloneMean(), 1e-9);
        double[] rlif = result.mean(Algorithm.RLIF, true);
        assertEquals(0.5, rlif[1], 1e-9, "a seed without a value there does not count");
        assertEquals(0.8, rlif[2], 1e-9);
        assertEquals(0.5, result.finalMean(Algorithm.HG_DAGGER, true, 1), 1e-9);

        Path png = dir.resolve("results.png");
        ExperimentChart.write(result, png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1120, image.getWidth());
        boolean blue = false;
        for (int x = 0; x < image.getWidth() && !blue; x++) {
            for (int y = 0; y < image.getHeight() && !blue; y++) {
                blue = image.getRGB(x, y) == 0xff1f77b4;
            }
        }
        assertTrue(blue, "RLIF's mean line is drawn");
    }
}
