package io.takeover.tools.experiment;

import io.takeover.learner.Algorithm;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The experiment's chart: success rate (left) and takeovers per 1,000 steps (right) against
 * environment steps; per algorithm its mean over seeds (thick) and each seed (thin); the
 * operator alone as a dashed line.
 */
final class ExperimentChart {

    private static final int PANEL_W = 560;
    private static final int PANEL_H = 380;
    private static final int MARGIN = 60;
    private static final Color RLIF = new Color(0x1f77b4);
    private static final Color DAGGER = new Color(0xff7f0e);
    private static final Color OPERATOR = new Color(0x555555);

    static void write(Experiment.Result result, Path file) throws IOException {
        BufferedImage image = new BufferedImage(2 * PANEL_W, PANEL_H + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        Experiment.Settings s = result.settings();
        double maxPer1k = 1;
        for (Experiment.Run run : result.runs()) {
            for (double v : run.curve().takeoversPer1k()) {
                maxPer1k = Double.isNaN(v) ? maxPer1k : Math.max(maxPer1k, v);
            }
        }
        panel(g, 0, result, true, 1.0, "success rate");
        panel(g, PANEL_W, result, false, Math.ceil(maxPer1k / 5) * 5, "takeovers per 1,000 steps");
        g.setColor(Color.BLACK);
        g.drawString(String.format(Locale.ROOT, "%s, operator alone %.0f%% (asked %.0f%%), %d seeds; "
                + "blue: RLIF, orange: HG-DAgger, dashed: operator alone", s.task(),
                100 * result.operatorAloneMean(), 100 * s.quality(), s.seeds()), MARGIN, PANEL_H + 25);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void panel(Graphics2D g, int x0, Experiment.Result result, boolean success, double yMax,
            String title) {
        int w = PANEL_W - 2 * MARGIN;
        int h = PANEL_H - 2 * MARGIN;
        int left = x0 + MARGIN;
        int top = MARGIN;
        g.setColor(Color.BLACK);
        g.drawString(title, left, top - 15);
        g.drawRect(left, top, w, h);
        List<Experiment.Run> runs = result.runs();
        int bins = Math.max(1, result.bins());
        int binSteps = runs.isEmpty() ? 1 : runs.get(0).curve().binSteps();
        double xMax = (double) bins * binSteps;
        for (int i = 0; i <= 4; i++) {
            int y = top + h - i * h / 4;
            g.setColor(new Color(0xdddddd));
            g.drawLine(left, y, left + w, y);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, success ? "%.0f%%" : "%.0f", (success ? 100 : 1) * yMax * i / 4),
                    left - 40, y + 4);
            int x = left + i * w / 4;
            g.drawString(String.format(Locale.ROOT, "%,.0f", xMax * i / 4), x - 15, top + h + 18);
        }
        g.drawString("environment steps", left + w / 2 - 50, top + h + 38);
        for (Experiment.Run run : runs) {
            double[] y = success ? run.curve().successRate() : run.curve().takeoversPer1k();
            line(g, y, binSteps, xMax, yMax, left, top, w, h, colour(run.algorithm(), 90), 1f);
        }
        for (Algorithm algorithm : Experiment.ALGORITHMS) {
            line(g, result.mean(algorithm, success), binSteps, xMax, yMax, left, top, w, h, colour(algorithm, 255),
                    3f);
        }
        if (success) {
            int y = top + h - (int) Math.round(result.operatorAloneMean() / yMax * h);
            g.setColor(OPERATOR);
            g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 6f},
                    0f));
            g.drawLine(left, y, left + w, y);
            g.setStroke(new BasicStroke(1f));
        }
    }

    private static void line(Graphics2D g, double[] y, int binSteps, double xMax, double yMax, int left, int top,
            int w, int h, Color colour, float width) {
        Path2D path = new Path2D.Double();
        boolean pen = false;
        for (int b = 0; b < Math.min(y.length, (int) Math.round(xMax / binSteps)); b++) {
            if (Double.isNaN(y[b])) {
                pen = false;
                continue;
            }
            double px = left + (b + 0.5) * binSteps / xMax * w;
            double py = top + h - Math.min(1, y[b] / yMax) * h;
            if (pen) {
                path.lineTo(px, py);
            } else {
                path.moveTo(px, py);
                pen = true;
            }
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(width));
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    private static Color colour(Algorithm algorithm, int alpha) {
        Color c = algorithm == Algorithm.RLIF ? RLIF : DAGGER;
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    private ExperimentChart() {}
}
