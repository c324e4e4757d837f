package io.takeover.tools.experiment;

import io.takeover.robot.operator.OperatorQuality;
import io.takeover.robot.operator.OperatorSettings;
import java.util.List;

/**
 * Everything a lock-step experiment measured: per operator quality, the operator alone on each
 * seed, and every learning run's evaluation points.
 *
 * @param task      the task
 * @param envSteps  the budget of environment steps each run had
 * @param qualities the operator qualities asked for, in order
 * @param operators per quality and seed, the calibrated operator and its own success rate
 * @param runs      every learning run
 */
public record LockstepResults(String task, int envSteps, List<Double> qualities, List<Operator> operators,
        List<Run> runs) {

    /** The operator of one quality and seed: how it was calibrated and its measured success alone. */
    public record Operator(double quality, long seed, String description, double aloneSuccess) {

        /** {@code operator}, calibrated to {@code quality} for {@code seed}, measured alone on 200 episodes of its own. */
        static Operator measured(String task, double quality, long seed, OperatorSettings operator) {
            return new Operator(quality, seed, OperatorSpec.describe(operator),
                    OperatorQuality.aloneSuccessRate(task, operator, 1000 + seed));
        }
    }

    /**
     * One learning run. For HG-DAgger the point at 0 environment steps is BC on the demonstrations
     * (after pre-training); for RLIF it has no policy yet (NaN).
     */
    public record Run(String arm, double quality, long seed, List<LockstepRun.Point> points) {}

    /** The evaluations that count for the headline: the last {@code n} points of a run. */
    public static double finalSuccess(Run run, int n) {
        List<LockstepRun.Point> p = run.points();
        double sum = 0;
        int count = 0;
        for (int i = Math.max(0, p.size() - n); i < p.size(); i++) {
            if (!Double.isNaN(p.get(i).success())) {
                sum += p.get(i).success();
                count++;
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }
}
