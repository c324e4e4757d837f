package io.takeover.learner.bc;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.takeover.learner.Agent;
import io.takeover.learner.UpdateStats;
import io.takeover.learner.nn.Adam;
import io.takeover.learner.nn.Checkpoints;
import io.takeover.learner.nn.Networks;
import io.takeover.learner.nn.PolicyFrame;
import io.takeover.learner.nn.Scalars;
import io.takeover.replay.sample.Batch;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

/**
 * HG-DAgger, the baseline beside RLIF: behaviour cloning of the operator's corrections. The
 * actor's mean action (tanh-squashed, as robots compute it) is regressed onto the actions of
 * operator-controlled transitions only; the policy's own transitions in the batch are masked
 * out. The log-σ head is pulled towards a fixed exploration width.
 */
public final class BcAgent implements Agent {

    private static final float EXPLORATION_LOG_STD = (float) Math.log(0.2);

    private final int actDim;
    private final NDManager manager;
    private final Model model;
    private final Trainer trainer;
    private final Adam adam;
    private final PolicyFrame frame;
    private long steps;

    public BcAgent(BcSettings settings, int obsDim, int actDim, float[] actionLow, float[] actionHigh,
            float[] obsMean, float[] obsStd, Device device) {
        this.actDim = actDim;
        ai.djl.engine.Engine.getInstance().setRandomSeed((int) settings.seed());
        this.manager = NDManager.newBaseManager(device);
        this.frame = new PolicyFrame(manager, obsMean, obsStd, actionLow, actionHigh);
        this.model = Model.newInstance("bc-actor", device);
        model.setBlock(Networks.actor(settings.hidden(), settings.depth(), actDim));
        this.trainer = model.newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optDevices(new Device[] {device}));
        trainer.initialize(new Shape(1, obsDim));
        this.adam = new Adam(model.getBlock(), manager, settings.lr());
    }

    @Override
    public UpdateStats update(List<Batch> batches) {
        JniUtils.setGradMode(false);
        Batch batch = batches.get(batches.size() - 1);
        int b = batch.size();
        try (NDManager step = manager.newSubManager()) {
            NDArray obs = frame.observations(step, batch.observations(), b);
            NDArray target = frame.actions(step, batch.actions(), b);
            NDArray mask = step.create(batch.operator(), new Shape(b, 1));
            float operatorRows = Math.max(1f, mask.sum().getFloat());
            float loss;
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDArray out = trainer.forward(new NDList(obs)).head();
                NDArray mean = out.get(":, 0:" + actDim).tanh();
                NDArray logStd = out.get(":, " + actDim + ":");
                NDArray l = mean.sub(target).square().mul(mask).sum().div(Scalars.of(step, operatorRows))
                        .add(logStd.sub(EXPLORATION_LOG_STD).square().mean().mul(Scalars.of(step, 0.01f)));
                collector.backward(l);
                loss = l.getFloat();
            }
            adam.step();
            steps++;
            return new UpdateStats(0, loss, 0, 0, 0);
        }
    }

    /** Deterministic actions (squashed means, in task units) for a batch of raw observations. */
    public float[] act(float[] observations, int count) {
        try (NDManager step = manager.newSubManager()) {
            return frame.meanActions(model.getBlock(), step, observations, count);
        }
    }

    @Override
    public Block actor() {
        return model.getBlock();
    }

    @Override
    public float[] obsMean() {
        return frame.obsMean();
    }

    @Override
    public float[] obsStd() {
        return frame.obsStd();
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
        out.writeLong(steps);
        Checkpoints.writeBlock(out, model.getBlock());
        adam.save(out);
    }

    @Override
    public void load(DataInputStream in) throws IOException {
        JniUtils.setGradMode(false);
        steps = in.readLong();
        Checkpoints.readBlock(in, manager, model.getBlock());
        adam.load(in, manager);
    }

    @Override
    public void close() {
        trainer.close();
        model.close();
        manager.close();
    }
}
