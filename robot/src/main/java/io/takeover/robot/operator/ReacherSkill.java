package io.takeover.robot.operator;

import io.takeover.robot.task.Reacher;

/**
 * Inverse kinematics to the target (the elbow kept on the side it is on) and a PD controller
 * on the joints. Risk: still far from the target once the episode is under way, or a joint
 * spinning fast.
 *
 * <p>With a bias the operator's model of the arm is wrong: it solves the kinematics with links of
 * {@code LINK·(1+bias/10)} and {@code LINK·(1−bias/20)}, so it settles, steadily, beside the
 * target, the farther the more the target asks of the elbow. Alone it succeeds almost always up
 * to a bias of about 0.9 and almost never from about 2.
 */
public final class ReacherSkill implements OperatorSkill {

    private static final int GRACE_STEPS = 30;
    private static final int LOOKAHEAD_STEPS = 30;
    private static final double FAR_M = 0.04;
    private static final double KP = 3.0;
    private static final double KD = 0.4;
    private static final double LINK_ERROR_PER_BIAS = 0.1;

    private final double bias;
    private final double link1;
    private final double link2;

    /** The unbiased skill. */
    public ReacherSkill() {
        this(0);
    }

    public ReacherSkill(double bias) {
        if (!(bias >= 0)) {
            throw new IllegalArgumentException("an operator's bias is >= 0, got " + bias);
        }
        this.bias = bias;
        this.link1 = Reacher.LINK * (1 + LINK_ERROR_PER_BIAS * bias);
        this.link2 = Reacher.LINK * (1 - LINK_ERROR_PER_BIAS * bias / 2);
    }

    @Override
    public String task() {
        return Reacher.NAME;
    }

    @Override
    public double bias() {
        return bias;
    }

    /**
     * A 40% operator's actions are judged wrong on ~10% of its states, a random policy's on 92%, the
     * reference's on none (at 0.97: 0, 25%, 0).
     */
    @Override
    public double valueRuleAlpha() {
        return 0.999;
    }

    @Override
    public int lookaheadSteps() {
        return LOOKAHEAD_STEPS;
    }

    @Override
    public boolean headingForFailure(float[] obs, long step) {
        boolean far = Math.hypot(obs[8], obs[9]) > FAR_M;
        boolean spinning = Math.abs(obs[6]) > 8 || Math.abs(obs[7]) > 8;
        return spinning || (far && step >= GRACE_STEPS);
    }

    @Override
    public boolean safe(float[] obs) {
        return Math.hypot(obs[8], obs[9]) < Reacher.REACHED_M && Math.abs(obs[6]) < Reacher.STILL_RAD_S
                && Math.abs(obs[7]) < Reacher.STILL_RAD_S;
    }

    @Override
    public float[] act(float[] obs) {
        double q1 = Math.atan2(obs[1], obs[0]);
        double q2 = Math.atan2(obs[3], obs[2]);
        double x = obs[4];
        double y = obs[5];
        double cos2 = Math.max(-1, Math.min(1, (x * x + y * y - (link1 * link1 + link2 * link2)) / (2 * link1 * link2)));
        double want2 = Math.copySign(Math.acos(cos2), q2 == 0 ? 1 : q2);
        double want1 = Math.atan2(y, x) - Math.atan2(link2 * Math.sin(want2), link1 + link2 * Math.cos(want2));
        return new float[] {pd(want1 - q1, obs[6]), pd(want2 - q2, obs[7])};
    }

    private static float pd(double error, double speed) {
        double wrapped = Math.atan2(Math.sin(error), Math.cos(error));
        return (float) Math.max(-1, Math.min(1, KP * wrapped - KD * speed));
    }
}
