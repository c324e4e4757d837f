package io.takeover.cli;

import io.takeover.robot.operator.OperatorQuality;
import io.takeover.robot.operator.OperatorSettings;
import io.takeover.robot.operator.OperatorSkill;
import java.util.Locale;
import picocli.CommandLine.Option;

/** How simulated operators behave: {@code --operator-quality} and {@code --takeover}. */
public final class OperatorOptions {

    @Option(names = "--operator-quality",
            description = "The operators' own success rate when in full control, e.g. 0.4 (calibrated by their "
                    + "systematic error, a bias in how they control, as a behaviour-cloned operator is wrong); "
                    + "default: no bias, which makes them near-perfect.")
    Double quality;

    @Option(names = "--takeover", defaultValue = "risk",
            description = "risk: take over when the operator judges the robot heading for failure; random:P: take "
                    + "over at any step with probability P; value or value:ALPHA: the RLIF paper's rule, take over "
                    + "(for 4 steps) when the policy's action is worth less than ALPHA (default: the task's, 0.998 for "
                    + "pendulum, 0.999 for reacher) times the operator's reference action (default ${DEFAULT-VALUE}).")
    String takeover;

    public OperatorSettings settings(String task, long seed) {
        OperatorSettings settings = strategy(takeover, task, OperatorSettings.DEFAULT);
        return quality == null ? settings : OperatorQuality.calibrate(task, quality, settings, seed);
    }

    /**
     * {@code base} taking over as {@code takeover} says: risk, random:P, value (with the task's
     * alpha, {@link OperatorSkill#valueRuleAlpha}) or value:ALPHA.
     */
    public static OperatorSettings strategy(String takeover, String task, OperatorSettings base) {
        if (takeover.startsWith("random:")) {
            return base.withRandomTakeovers(parseProbability(takeover.substring("random:".length())));
        } else if (takeover.equals("value")) {
            return base.withValueRule(OperatorSkill.forTask(task).valueRuleAlpha());
        } else if (takeover.startsWith("value:")) {
            return base.withValueRule(parseAlpha(takeover.substring("value:".length())));
        } else if (!takeover.equals("risk")) {
            throw new IllegalArgumentException("--takeover must be risk, random:P, value or value:ALPHA, got '"
                    + takeover + "'");
        }
        return base;
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

    private static double parseAlpha(String a) {
        try {
            double value = Double.parseDouble(a);
            if (value > 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--takeover value:ALPHA needs ALPHA in (0, 1], got '" + a + "'");
    }

    /** One line for a start-up message. */
    public static String describe(OperatorSettings s) {
        String when = switch (s.strategy()) {
            case RANDOM -> "take over at random, " + s.takeoverProbability() + " per step";
            case VALUE -> String.format(Locale.ROOT, "take over for %d steps when the policy's action is worth "
                    + "less than %.3f of theirs", s.valueRule().interventionSteps(), s.valueRule().alpha());
            case RISK -> "take over when they judge a robot heading for failure";
        };
        return when + String.format(Locale.ROOT, ", bias %.3f, action noise %.2f", s.bias(), s.actionNoise());
    }
}
