package io.takeover.cli;

import io.takeover.robot.operator.OperatorQuality;
import io.takeover.robot.operator.OperatorSettings;
import picocli.CommandLine.Option;

/** How simulated operators behave: {@code --operator-quality} and {@code --takeover}. */
public final class OperatorOptions {

    @Option(names = "--operator-quality",
            description = "The operators' own success rate when in full control, e.g. 0.4 (calibrated by the noise on "
                    + "their actions); default: their standard noise, which makes them near-perfect.")
    Double quality;

    @Option(names = "--takeover", defaultValue = "risk",
            description = "risk: take over when the operator judges the robot heading for failure; random:P: take "
                    + "over at any step with probability P (default ${DEFAULT-VALUE}).")
    String takeover;

    public OperatorSettings settings(String task, long seed) {
        OperatorSettings settings = OperatorSettings.DEFAULT;
        if (takeover.startsWith("random:")) {
            settings = settings.withRandomTakeovers(parseProbability(takeover.substring("random:".length())));
        } else if (!takeover.equals("risk")) {
            throw new IllegalArgumentException("--takeover must be risk or random:P, got '" + takeover + "'");
        }
        return quality == null ? settings : OperatorQuality.calibrate(task, quality, settings, seed);
    }

    private static double parseProbability(String p) {
        try {
            double value = Double.parseDouble(p);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--takeover random:P needs a probability P in [0, 1], got '" + p + "'");
    }

    /** One line for a start-up message. */
    public static String describe(OperatorSettings s) {
        return (s.strategy() == OperatorSettings.Strategy.RANDOM
                ? "take over at random, " + s.takeoverProbability() + " per step"
                : "take over when they judge a robot heading for failure") + ", action noise " + String.format(
                        java.util.Locale.ROOT, "%.2f", s.actionNoise());
    }
}
