package io.takeover.tools.experiment;

import io.takeover.cli.OperatorOptions;
import io.takeover.robot.operator.OperatorQuality;
import io.takeover.robot.operator.OperatorSettings;

/**
 * The operator of an experiment, as asked for: its own success rate in full control, how it
 * errs, and when it takes over. Calibration is deterministic under the seed, so each process of
 * an experiment derives the same operator from the same spec.
 *
 * @param quality  the operator's own success rate in full control, in (0, 1)
 * @param errors   {@code systematic} (a biased controller, as people and BC policies are) or
 *                 {@code noise} (a perfect controller plus zero-mean noise: the control condition)
 * @param takeover {@code value} or {@code value:ALPHA} (the RLIF paper's rule), {@code risk} or {@code random:P}
 */
public record OperatorSpec(double quality, String errors, String takeover) {

    public OperatorSpec {
        if (!errors.equals("systematic") && !errors.equals("noise")) {
            throw new IllegalArgumentException("operator errors are systematic or noise, got '" + errors + "'");
        }
    }

    public OperatorSettings settings(String task, long seed) {
        OperatorSettings base = OperatorOptions.strategy(takeover, task, OperatorSettings.DEFAULT);
        return errors.equals("noise") ? OperatorQuality.calibrateNoise(task, quality, base, seed)
                : OperatorQuality.calibrate(task, quality, base, seed);
    }

    public static String describe(OperatorSettings s) {
        return OperatorOptions.describe(s);
    }
}
