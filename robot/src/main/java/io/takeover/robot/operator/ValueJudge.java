package io.takeover.robot.operator;

import io.takeover.robot.task.Environment;
import io.takeover.robot.task.Simulators;

/**
 * The operator's sense of how good an action is, as the RLIF paper's reference value
 * {@code Q_ref(s, a)}: the discounted sum of shifted rewards {@code 1 + r_t / |worst reward|}
 * (each in [0, 1], so {@code alpha < 1} reads "a few per cent worse") over the skill's look-ahead,
 * from a rollout in a copy of the simulator that takes {@code a} first and then follows the
 * unbiased controller. The reference action is that controller's. One judge per operator: it
 * reuses its one simulator copy, so it is not thread-safe.
 */
public final class ValueJudge {

    static final double GAMMA = 0.99;

    private final Environment sim;
    private final OperatorSkill reference;
    private final int horizon;
    private final double rewardScale;

    /** A judge for {@code task}, whose reference is the task's unbiased skill. */
    public ValueJudge(String task) {
        this.sim = Simulators.create(task);
        this.reference = OperatorSkill.forTask(task, 0);
        this.horizon = reference.lookaheadSteps();
        this.rewardScale = 1.0 / Math.abs(sim.worstReward());
    }

    /** What the unbiased controller would do in {@code obs}. */
    public float[] referenceAction(float[] obs) {
        return reference.act(obs);
    }

    /** {@code Q_ref(obs, action)}. */
    public double value(float[] obs, float[] action) {
        sim.restore(obs);
        float[] next = sim.step(action);
        double q = shifted(sim.lastReward());
        double discount = 1;
        for (int t = 1; t < horizon; t++) {
            next = sim.step(reference.act(next));
            discount *= GAMMA;
            q += discount * shifted(sim.lastReward());
        }
        return q;
    }

    /** Whether {@code Q_ref(obs, action) < alpha · Q_ref(obs, a_ref)}: the action is clearly worse than the reference. */
    public boolean worseThanReference(float[] obs, float[] action, double alpha) {
        return value(obs, action) < alpha * value(obs, referenceAction(obs));
    }

    private double shifted(float reward) {
        return 1 + reward * rewardScale;
    }
}
