package io.takeover.tools.experiment;

import java.util.Arrays;
import java.util.Random;

/**
 * Percentile bootstrap intervals of a mean over seeds. The resampling is seeded, so a report
 * reproduces exactly from the same results.
 */
final class Bootstrap {

    static final int RESAMPLES = 2000;
    private static final long SEED = 20240607L;

    /** A 95% interval; NaN ends when there was nothing to resample. */
    record Interval(double low, double high) {

        boolean above(double v) {
            return low > v;
        }
    }

    /** The mean of the values that are not NaN; NaN when there are none. */
    static double mean(double[] values) {
        double sum = 0;
        int n = 0;
        for (double v : values) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** The 95% percentile interval of the mean of the values (NaN skipped). */
    static Interval mean95(double[] values) {
        double[] x = finite(values);
        if (x.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        Random random = new Random(SEED);
        double[] means = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            means[r] = resampledMean(x, random);
        }
        return percentiles(means);
    }

    /**
     * The 95% interval of mean(a) - mean(b) where a and b were measured on different units: each
     * side is resampled on its own.
     */
    static Interval difference95(double[] a, double[] b) {
        double[] x = finite(a);
        double[] y = finite(b);
        if (x.length == 0 || y.length == 0) {
            return new Interval(Double.NaN, Double.NaN);
        }
        Random random = new Random(SEED);
        double[] diffs = new double[RESAMPLES];
        for (int r = 0; r < RESAMPLES; r++) {
            diffs[r] = resampledMean(x, random) - resampledMean(y, random);
        }
        return percentiles(diffs);
    }

    private static double resampledMean(double[] x, Random random) {
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[random.nextInt(x.length)];
        }
        return sum / x.length;
    }

    private static Interval percentiles(double[] samples) {
        Arrays.sort(samples);
        return new Interval(samples[(int) Math.floor(0.025 * (samples.length - 1))],
                samples[(int) Math.ceil(0.975 * (samples.length - 1))]);
    }

    private static double[] finite(double[] values) {
        return Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
    }

    private Bootstrap() {}
}
