package io.takeover.tools.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.util.Locale;

/**
 * One plotting area of a report chart: its frame, grid and axis labels, and the marks drawn in
 * data coordinates (lines, shaded bands, dashed levels, error bars, dots). NaN values leave gaps.
 */
final class ChartPanel {

    static final int WIDTH = 560;
    static final int HEIGHT = 400;
    private static final int LEFT_MARGIN = 70;
    private static final int RIGHT_MARGIN = 36;
    private static final int TOP_MARGIN = 45;
    private static final int BOTTOM_MARGIN = 55;
    private static final Color GRID = new Color(0xdddddd);
    private static final float[] DASH = {8f, 6f};

    /** How a legend entry is drawn. */
    enum Mark { LINE, DASHED, DOT, NOTE }

    record Key(String label, Color colour, Mark mark) {}

    private final Graphics2D g;
    private final int left;
    private final int top;
    private final int w;
    private final int h;
    private final double xMax;
    private final double yMax;

    /** A panel whose top-left corner is at (x0, y0) in the image, showing [0, xMax] × [0, yMax]. */
    ChartPanel(Graphics2D g, int x0, int y0, double xMax, double yMax) {
        this.g = g;
        this.left = x0 + LEFT_MARGIN;
        this.top = y0 + TOP_MARGIN;
        this.w = WIDTH - LEFT_MARGIN - RIGHT_MARGIN;
        this.h = HEIGHT - TOP_MARGIN - BOTTOM_MARGIN;
        this.xMax = xMax > 0 ? xMax : 1;
        this.yMax = yMax > 0 ? yMax : 1;
    }

    /** Frame, grid, ticks and labels; percent axes show 0..100%. */
    void axes(String title, String xLabel, boolean xPercent, String yLabel, boolean yPercent) {
        g.setColor(Color.BLACK);
        g.drawString(title, left, top - 15);
        for (int i = 0; i <= 4; i++) {
            int y = top + h - i * h / 4;
            g.setColor(GRID);
            g.drawLine(left, y, left + w, y);
            g.setColor(Color.BLACK);
            g.drawString(tick(yMax * i / 4, yPercent), left - 45, y + 4);
            int x = left + i * w / 4;
            g.drawString(tick(xMax * i / 4, xPercent), x - 15, top + h + 18);
        }
        g.drawRect(left, top, w, h);
        g.drawString(xLabel, left + w / 2 - g.getFontMetrics().stringWidth(xLabel) / 2, top + h + 40);
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        g.drawString(yLabel, -(top + h / 2 + g.getFontMetrics().stringWidth(yLabel) / 2), left - 52);
        g.setTransform(saved);
    }

    void line(double[] xs, double[] ys, Color colour, float width) {
        Path2D path = new Path2D.Double();
        boolean pen = false;
        for (int i = 0; i < xs.length; i++) {
            if (Double.isNaN(xs[i]) || Double.isNaN(ys[i])) {
                pen = false;
                continue;
            }
            if (pen) {
                path.lineTo(px(xs[i]), py(ys[i]));
            } else {
                path.moveTo(px(xs[i]), py(ys[i]));
                pen = true;
            }
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(path);
        g.setStroke(new BasicStroke(1f));
    }

    /** The area between low and high, one stretch per run of defined values. */
    void band(double[] xs, double[] low, double[] high, Color colour) {
        int i = 0;
        while (i < xs.length) {
            if (undefined(xs[i], low[i], high[i])) {
                i++;
                continue;
            }
            int end = i;
            while (end + 1 < xs.length && !undefined(xs[end + 1], low[end + 1], high[end + 1])) {
                end++;
            }
            Path2D path = new Path2D.Double();
            path.moveTo(px(xs[i]), py(high[i]));
            for (int k = i + 1; k <= end; k++) {
                path.lineTo(px(xs[k]), py(high[k]));
            }
            for (int k = end; k >= i; k--) {
                path.lineTo(px(xs[k]), py(low[k]));
            }
            path.closePath();
            g.setColor(colour);
            g.fill(path);
            i = end + 1;
        }
    }

    /** A dashed horizontal line across the panel; nothing when y is NaN. */
    void level(double y, Color colour) {
        if (Double.isNaN(y)) {
            return;
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, DASH, 0f));
        g.drawLine(left, (int) Math.round(py(y)), left + w, (int) Math.round(py(y)));
        g.setStroke(new BasicStroke(1f));
    }

    /** A dashed line from (0, 0) to (max, max): where a learner would match its operator. */
    void diagonal(Color colour) {
        double end = Math.min(xMax, yMax);
        g.setColor(colour);
        g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, DASH, 0f));
        g.draw(new Line2D.Double(px(0), py(0), px(end), py(end)));
        g.setStroke(new BasicStroke(1f));
    }

    void errorBar(double x, double low, double high, Color colour) {
        if (undefined(x, low, high)) {
            return;
        }
        g.setColor(colour);
        g.setStroke(new BasicStroke(2f));
        g.draw(new Line2D.Double(px(x), py(low), px(x), py(high)));
        g.draw(new Line2D.Double(px(x) - 5, py(low), px(x) + 5, py(low)));
        g.draw(new Line2D.Double(px(x) - 5, py(high), px(x) + 5, py(high)));
        g.setStroke(new BasicStroke(1f));
    }

    void dot(double x, double y, Color colour) {
        if (undefined(x, y, 0)) {
            return;
        }
        g.setColor(colour);
        g.fill(new Ellipse2D.Double(px(x) - 5, py(y) - 5, 10, 10));
    }

    /**
     * The keys in a row from (x0, y), the baseline of their labels, wrapping before right; a
     * NOTE is its label alone.
     */
    static void legend(Graphics2D g, int x0, int y, int right, Key... keys) {
        int x = x0;
        for (Key key : keys) {
            int swatch = key.mark() == Mark.NOTE ? 0 : 36;
            int width = swatch + g.getFontMetrics().stringWidth(key.label());
            if (x > x0 && x + width > right) {
                x = x0;
                y += 20;
            }
            g.setColor(key.colour());
            switch (key.mark()) {
                case LINE -> {
                    g.setStroke(new BasicStroke(3f));
                    g.drawLine(x, y - 4, x + 30, y - 4);
                }
                case DASHED -> {
                    g.setStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, DASH, 0f));
                    g.drawLine(x, y - 4, x + 30, y - 4);
                }
                case DOT -> g.fill(new Ellipse2D.Double(x + 10, y - 9, 10, 10));
                case NOTE -> { }
            }
            g.setStroke(new BasicStroke(1f));
            g.setColor(Color.BLACK);
            g.drawString(key.label(), x + swatch, y);
            x += width + 24;
        }
    }

    private double px(double x) {
        return left + Math.max(0, Math.min(1, x / xMax)) * w;
    }

    private double py(double y) {
        return top + h - Math.max(0, Math.min(1, y / yMax)) * h;
    }

    private static boolean undefined(double a, double b, double c) {
        return Double.isNaN(a) || Double.isNaN(b) || Double.isNaN(c);
    }

    /** An axis end at or above v whose four grid steps are round numbers (1, 1.5, 2, 2.5, ... × 10^k). */
    static double niceMax(double v) {
        if (!(v > 0) || Double.isInfinite(v)) {
            return 1;
        }
        double step = v / 4;
        double magnitude = Math.pow(10, Math.floor(Math.log10(step)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * magnitude >= step * (1 - 1e-9)) {
                return 4 * m * magnitude;
            }
        }
        return 40 * magnitude;
    }

    private static String tick(double v, boolean percent) {
        if (percent) {
            return String.format(Locale.ROOT, "%.0f%%", 100 * v);
        }
        return String.format(Locale.ROOT, Math.rint(v) == v ? "%,.0f" : "%,.2f", v);
    }
}
