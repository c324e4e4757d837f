package io.takeover.tools.experiment;

import io.takeover.tools.experiment.ChartPanel.Key;
import io.takeover.tools.experiment.ChartPanel.Mark;
import io.takeover.tools.experiment.LockstepResults.Run;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javax.imageio.ImageIO;

/**
 * The lock-step report's charts, one panel per operator quality (three to a row): per arm the
 * mean over seeds (thick) with its 95% bootstrap band, in the look of {@link ExperimentChart}.
 */
final class LockstepCharts {

    static final int COLUMNS = 3;
    static final int LEGEND_HEIGHT = 70;
    static final Color RLIF = new Color(0x1f77b4);
    static final Color DAGGER = new Color(0xff7f0e);
    static final Color OPERATOR = new Color(0x555555);
    static final Color BC = new Color(0x2ca02c);

    /** One run's values at its evaluation points (or windows); NaN where there is none. */
    record Trace(double[] x, double[] y) {}

    /** Per evaluation index, the mean over seeds of x and y and the 95% interval of y's mean. */
    record MeanCurve(double[] x, double[] mean, double[] low, double[] high) {}

    /** Success of the policy alone against environment steps, with each seed thin. */
    static void success(LockstepResults results, Path file) throws IOException {
        List<Double> qualities = results.qualities();
        BufferedImage image = canvas(qualities.size());
        Graphics2D g = graphics(image);
        for (int q = 0; q < qualities.size(); q++) {
            double quality = qualities.get(q);
            ChartPanel panel = panel(g, q, results.envSteps(), 1);
            panel.axes(title(results, quality, "policy alone"), "environment steps", false,
                    "success (policy alone)", true);
            for (String arm : LockstepReport.ARMS) {
                List<Trace> traces = traces(LockstepReport.runs(results, arm, quality), LockstepCharts::successTrace);
                MeanCurve curve = meanCurve(traces);
                panel.band(curve.x(), curve.low(), curve.high(), colour(arm, 60));
                for (Trace t : traces) {
                    panel.line(t.x(), t.y(), colour(arm, 90), 1f);
                }
                panel.line(curve.x(), curve.mean(), colour(arm, 255), 3f);
            }
            panel.level(LockstepReport.operatorAlone(results, quality), OPERATOR);
            panel.level(Bootstrap.mean(LockstepReport.bcOnDemonstrations(results, quality)), BC);
        }
        legend(g, image, new Key("RLIF", RLIF, Mark.LINE), new Key("HG-DAgger", DAGGER, Mark.LINE),
                new Key("operator alone", OPERATOR, Mark.DASHED), new Key("BC on demonstrations", BC, Mark.DASHED),
                new Key("shaded: 95% bootstrap interval of the mean; thin: each seed", Color.BLACK, Mark.NOTE));
        finish(g, image, file);
    }

    /** Takeovers per 1,000 environment steps in each evaluation window. */
    static void takeovers(LockstepResults results, Path file) throws IOException {
        List<Double> qualities = results.qualities();
        List<List<MeanCurve>> curves = new ArrayList<>();
        double yMax = 1;
        for (double quality : qualities) {
            List<MeanCurve> perArm = new ArrayList<>();
            for (String arm : LockstepReport.ARMS) {
                MeanCurve curve = meanCurve(traces(LockstepReport.runs(results, arm, quality),
                        LockstepCharts::takeoverTrace));
                perArm.add(curve);
                yMax = Math.max(yMax, max(curve.high()));
            }
            curves.add(perArm);
        }
        yMax = ChartPanel.niceMax(yMax);
        BufferedImage image = canvas(qualities.size());
        Graphics2D g = graphics(image);
        for (int q = 0; q < qualities.size(); q++) {
            ChartPanel panel = panel(g, q, results.envSteps(), yMax);
            panel.axes(title(results, qualities.get(q), "takeovers"), "environment steps", false,
                    "takeovers per 1,000 steps", false);
            meansWithBands(panel, curves.get(q));
        }
        legend(g, image, new Key("RLIF", RLIF, Mark.LINE), new Key("HG-DAgger", DAGGER, Mark.LINE),
                new Key("per evaluation window; shaded: 95% bootstrap interval of the mean", Color.BLACK, Mark.NOTE));
        finish(g, image, file);
    }

    /** Success of the policy alone against the operator steps spent to get there. */
    static void humanCost(LockstepResults results, Path file) throws IOException {
        List<Double> qualities = results.qualities();
        double xMax = 1;
        for (Run run : results.runs()) {
            for (LockstepRun.Point p : run.points()) {
                xMax = Math.max(xMax, p.operatorSteps());
            }
        }
        BufferedImage image = canvas(qualities.size());
        Graphics2D g = graphics(image);
        for (int q = 0; q < qualities.size(); q++) {
            double quality = qualities.get(q);
            ChartPanel panel = panel(g, q, ChartPanel.niceMax(xMax), 1);
            panel.axes(title(results, quality, "success per operator step"), "operator steps", false,
                    "success (policy alone)", true);
            List<MeanCurve> perArm = new ArrayList<>();
            for (String arm : LockstepReport.ARMS) {
                perArm.add(meanCurve(traces(LockstepReport.runs(results, arm, quality), LockstepCharts::costTrace)));
            }
            meansWithBands(panel, perArm);
            panel.level(LockstepReport.operatorAlone(results, quality), OPERATOR);
        }
        legend(g, image, new Key("RLIF", RLIF, Mark.LINE), new Key("HG-DAgger", DAGGER, Mark.LINE),
                new Key("operator alone", OPERATOR, Mark.DASHED),
                new Key("mean over seeds at each evaluation; shaded: 95% bootstrap interval of the mean", Color.BLACK,
                        Mark.NOTE));
        finish(g, image, file);
    }

    /** Final success against the operator's own success, one point per quality and arm. */
    static void quality(LockstepResults results, Path file) throws IOException {
        BufferedImage image = canvas(1);
        Graphics2D g = graphics(image);
        ChartPanel panel = panel(g, 0, 1, 1);
        panel.axes(String.format(Locale.ROOT, "%s: final success vs operator quality, %d seeds",
                results.task(), LockstepReport.seeds(results)), "operator alone (measured success)", true,
                "final success (policy alone)", true);
        panel.diagonal(OPERATOR);
        List<Double> qualities = new ArrayList<>(results.qualities());
        qualities.sort((a, b) -> Double.compare(LockstepReport.operatorAlone(results, a),
                LockstepReport.operatorAlone(results, b)));
        for (String arm : LockstepReport.ARMS) {
            double[] x = new double[qualities.size()];
            double[] y = new double[qualities.size()];
            for (int q = 0; q < qualities.size(); q++) {
                double[] finals = LockstepReport.finalSuccesses(LockstepReport.runs(results, arm, qualities.get(q)));
                x[q] = LockstepReport.operatorAlone(results, qualities.get(q));
                y[q] = Bootstrap.mean(finals);
                Bootstrap.Interval ci = Bootstrap.mean95(finals);
                panel.errorBar(x[q], ci.low(), ci.high(), colour(arm, 255));
                panel.dot(x[q], y[q], colour(arm, 255));
            }
            panel.line(x, y, colour(arm, 255), 2f);
        }
        for (double quality : qualities) {
            double alone = LockstepReport.operatorAlone(results, quality);
            panel.dot(alone, alone, OPERATOR);
        }
        legend(g, image, new Key("RLIF", RLIF, Mark.LINE), new Key("HG-DAgger", DAGGER, Mark.LINE),
                new Key("operator alone", OPERATOR, Mark.DOT));
        finish(g, image, file);
    }

    static Trace successTrace(Run run) {
        List<LockstepRun.Point> p = run.points();
        double[] x = new double[p.size()];
        double[] y = new double[p.size()];
        for (int i = 0; i < p.size(); i++) {
            x[i] = p.get(i).envSteps();
            y[i] = p.get(i).success();
        }
        return new Trace(x, y);
    }

    /** Window i runs from point i to point i + 1 and is drawn at its end. */
    static Trace takeoverTrace(Run run) {
        List<LockstepRun.Point> p = run.points();
        int windows = Math.max(0, p.size() - 1);
        double[] x = new double[windows];
        double[] y = new double[windows];
        for (int i = 0; i < windows; i++) {
            x[i] = p.get(i + 1).envSteps();
            y[i] = LockstepReport.takeoversPer1k(p.get(i), p.get(i + 1));
        }
        return new Trace(x, y);
    }

    static Trace costTrace(Run run) {
        List<LockstepRun.Point> p = run.points();
        double[] x = new double[p.size()];
        double[] y = new double[p.size()];
        for (int i = 0; i < p.size(); i++) {
            x[i] = p.get(i).operatorSteps();
            y[i] = p.get(i).success();
        }
        return new Trace(x, y);
    }

    /** Seeds are aligned by evaluation index; a seed without a value there does not count. */
    static MeanCurve meanCurve(List<Trace> traces) {
        int n = traces.stream().mapToInt(t -> t.x().length).max().orElse(0);
        double[] x = new double[n];
        double[] mean = new double[n];
        double[] low = new double[n];
        double[] high = new double[n];
        for (int i = 0; i < n; i++) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (Trace t : traces) {
                if (i < t.y().length && !Double.isNaN(t.y()[i])) {
                    xs.add(t.x()[i]);
                    ys.add(t.y()[i]);
                }
            }
            double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
            x[i] = Bootstrap.mean(xs.stream().mapToDouble(Double::doubleValue).toArray());
            mean[i] = Bootstrap.mean(y);
            Bootstrap.Interval ci = Bootstrap.mean95(y);
            low[i] = ci.low();
            high[i] = ci.high();
        }
        return new MeanCurve(x, mean, low, high);
    }

    private static void meansWithBands(ChartPanel panel, List<MeanCurve> perArm) {
        for (int a = 0; a < perArm.size(); a++) {
            MeanCurve curve = perArm.get(a);
            String arm = LockstepReport.ARMS.get(a);
            panel.band(curve.x(), curve.low(), curve.high(), colour(arm, 60));
            panel.line(curve.x(), curve.mean(), colour(arm, 255), 3f);
        }
    }

    private static List<Trace> traces(List<Run> runs, Function<Run, Trace> trace) {
        return runs.stream().map(trace).toList();
    }

    private static String title(LockstepResults results, double quality, String what) {
        return String.format(Locale.ROOT, "%s, operator %s: %s, %d seeds", results.task(),
                LockstepReport.percent(quality), what, LockstepReport.seeds(results, quality));
    }

    private static BufferedImage canvas(int panels) {
        int n = Math.max(1, panels);
        int columns = Math.min(n, COLUMNS);
        int rows = (n + COLUMNS - 1) / COLUMNS;
        return new BufferedImage(columns * ChartPanel.WIDTH, rows * ChartPanel.HEIGHT + LEGEND_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
    }

    private static Graphics2D graphics(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static ChartPanel panel(Graphics2D g, int index, double xMax, double yMax) {
        return new ChartPanel(g, (index % COLUMNS) * ChartPanel.WIDTH, (index / COLUMNS) * ChartPanel.HEIGHT, xMax,
                yMax);
    }

    private static void legend(Graphics2D g, BufferedImage image, Key... keys) {
        ChartPanel.legend(g, 20, image.getHeight() - LEGEND_HEIGHT + 18, image.getWidth() - 20, keys);
    }

    private static void finish(Graphics2D g, BufferedImage image, Path file) throws IOException {
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static double max(double[] values) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            max = Double.isNaN(v) ? max : Math.max(max, v);
        }
        return max;
    }

    private static Color colour(String arm, int alpha) {
        Color c = arm.equals(LockstepReport.RLIF) ? RLIF : DAGGER;
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    private LockstepCharts() {}
}
