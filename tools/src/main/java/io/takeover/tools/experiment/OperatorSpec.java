package io.takeover.tools.experiment;

import io.takeover.robot.operator.OperatorQuality;
import io.takeover.robot.operator.OperatorSettings;
import java.util.Locale;

/**
 * The operator of an experiment, as asked for: its own success rate in full control, how it
 * errs, and when it takes over. Calibration is deterministic under the seed, so each process of
 * an experiment derives the same operator from the same spec.
 *
 * @param quality  the operator's own success rate in full control, in (0, 1)
 * @param errors   {@code systematic} (a biased controller, as people and BC policies are) or
 *                 {@code noise} (a perfect controller plus zero-mean noise: the control condition)
 * @param takeover {@code value} (the RLIF paper's rule), {@code risk} or {@code random:P}
 */
public record OperatorSpec(double quality, String errors, String takeover) {

    public OperatorSpec {
        if (!errors.equals("systematic") && !errors.equals("noise")) {
            throw new IllegalArgumentException("operator errors are systematic or noise, got '" + errors + "'");
        }
    }

    public OperatorSettings settings(String task, long seed) {
        OperatorSettings base = strategy(OperatorSettings.DEFAULT);
        return errors.equals("noise") ? OperatorQuality.calibrateNoise(task, quality, base, seed)
                : OperatorQuality.calibrate(task, quality, base, seed);
    }

    private OperatorSettings strategy(OperatorSettings base) {
        if (takeover.equals("value")) {
            return base.withValueRule(OperatorSettings.ValueRule.DEFAULT);
        }
        if (takeover.startsWith("random:")) {
            return base.withRandomTakeovers(Double.parseDouble(takeover.substring("random:".length())));
        }
        if (takeover.equals("risk")) {
            return base;
        }
        throw new IllegalArgumentException("takeover is value, risk or random:P, got '" + takeover + "'");
    }

    public static String describe(OperatorSettings s) {
        return String.format(Locale.ROOT, "%s takeovers, bias %.3f, noise %.3f", s.strategy().name().toLowerCase(
                Locale.ROOT), s.bias(), s.actionNoise());
    }
}
