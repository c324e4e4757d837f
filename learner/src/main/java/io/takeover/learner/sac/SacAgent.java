package io.takeover.learner.sac;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.takeover.learner.Agent;
import io.takeover.learner.UpdateStats;
import io.takeover.learner.nn.Adam;
import io.takeover.learner.nn.Checkpoints;
import io.takeover.learner.nn.Networks;
import io.takeover.learner.nn.PolicyFrame;
import io.takeover.learner.nn.Scalars;
import io.takeover.replay.sample.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * Soft actor-critic on DJL in the RLPD recipe: tanh-Gaussian actor; an ensemble of critics with
 * LayerNorm and Polyak-averaged targets, each Bellman target the minimum of a random subset;
 * G critic updates per actor update; learned entropy temperature (target entropy −|A|/2), the
 * entropy bonus in the actor's loss and, only when the settings ask, in the Bellman target.
 * Observations are normalised with fixed statistics and actions mapped to [−1, 1] before they
 * reach the networks; the rewards are the RLIF labels carried by the batch. Everything that
 * training depends on (networks, optimiser moments, temperature, step count) can be saved and
 * loaded.
 */
public final class SacAgent implements Agent {

    private static final float LOG_STD_MIN = -5f;
    private static final float LOG_STD_MAX = 2f;
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private final SacSettings settings;
    private final int actDim;
    private final PolicyFrame frame;
    private final float targetEntropy;

    private final NDManager manager;
    private final Model actorModel;
    private final Model criticModel;
    private final Model targetModel;
    private final Trainer actorTrainer;
    private final Trainer criticTrainer;
    private final Adam actorAdam;
    private final Adam criticAdam;
    private final java.util.Random subsets;
    private final ParameterStore inference;

    private double logAlpha;
    private final ScalarAdam alphaOptimizer;
    private long steps;

    public SacAgent(SacSettings settings, int obsDim, int actDim, float[] actionLow, float[] actionHigh,
            float[] obsMean, float[] obsStd, Device device) {
        this.settings = settings;
        this.actDim = actDim;
        this.targetEntropy = -actDim / 2f;
        this.logAlpha = Math.log(settings.initialAlpha());
        this.alphaOptimizer = new ScalarAdam(settings.alphaLr());

        Engine.getInstance().setRandomSeed((int) settings.seed());
        this.manager = NDManager.newBaseManager(device);
        this.frame = new PolicyFrame(manager, obsMean, obsStd, actionLow, actionHigh);

        actorModel = Model.newInstance("actor", device);
        actorModel.setBlock(Networks.actor(settings.hidden(), settings.depth(), actDim));
        criticModel = Model.newInstance("critic", device);
        criticModel.setBlock(Networks.criticEnsemble(settings.hidden(), settings.depth(), settings.critics(),
                settings.layerNorm()));
        targetModel = Model.newInstance("target-critic", device);
        targetModel.setBlock(Networks.criticEnsemble(settings.hidden(), settings.depth(), settings.critics(),
                settings.layerNorm()));

        actorTrainer = actorModel.newTrainer(config(device));
        actorTrainer.initialize(new Shape(1, obsDim));
        criticTrainer = criticModel.newTrainer(config(device));
        criticTrainer.initialize(new Shape(1, obsDim + actDim));
        targetModel.getBlock().initialize(manager, DataType.FLOAT32, new Shape(1, obsDim + actDim));
        copyParameters(criticModel.getBlock(), targetModel.getBlock());
        inference = new ParameterStore(manager, false);
        actorAdam = new Adam(actorModel.getBlock(), manager, settings.actorLr());
        criticAdam = new Adam(criticModel.getBlock(), manager, settings.criticLr());
        subsets = new java.util.Random(settings.seed());
    }

    /** The trainers only collect gradients; {@link Adam} applies them. */
    private static DefaultTrainingConfig config(Device device) {
        return new DefaultTrainingConfig(Loss.l2Loss()).optDevices(new Device[] {device});
    }

    /** One critic, actor and temperature update on {@code batch} (UTD 1). */
    public UpdateStats update(Batch batch) {
        return update(List.of(batch));
    }

    /**
     * One update in the RLPD recipe: a critic step (and target update) on each batch, then one
     * actor and temperature step on the last.
     */
    @Override
    public UpdateStats update(List<Batch> batches) {
        // PyTorch records gradients per thread, on by default in a new one: the in-place updates of
        // the optimiser and the targets must not be recorded (a gradient collector turns it on).
        JniUtils.setGradMode(false);
        float criticLoss = 0;
        float meanQ = 0;
        for (Batch batch : batches) {
            try (NDManager step = manager.newSubManager()) {
                float[] c = criticStep(step, batch);
                criticLoss = c[0];
                meanQ = c[1];
            }
        }
        try (NDManager step = manager.newSubManager()) {
            Batch batch = batches.get(batches.size() - 1);
            NDArray obs = frame.observations(step, batch.observations(), batch.size());
            float alpha = (float) Math.exp(logAlpha);
            float actorLoss;
            float meanLogProb;
            try (GradientCollector collector = actorTrainer.newGradientCollector()) {
                NDArray[] policy = sample(actorTrainer.forward(new NDList(obs)).head());
                NDArray q = stack(criticModel.getBlock().forward(inference,
                        new NDList(NDArrays.concat(new NDList(obs, policy[0]), 1)), true));
                NDArray loss = policy[1].mul(Scalars.of(step, alpha)).sub(q.mean(new int[] {0})).mean();
                collector.backward(loss);
                actorLoss = loss.getFloat();
                meanLogProb = policy[1].mean().getFloat();
            }
            actorAdam.step();
            zeroGradients(criticModel.getBlock()); // the actor's loss flowed through the critics too

            // Temperature: minimise −log α (log π + target entropy), gradient in closed form.
            logAlpha -= alphaOptimizer.step(-(meanLogProb + targetEntropy));
            steps++;
            return new UpdateStats(criticLoss, actorLoss, meanQ, (float) Math.exp(logAlpha), -meanLogProb);
        }
    }

    /** A critic step on {@code batch}; returns {loss, mean Q}. */
    private float[] criticStep(NDManager step, Batch batch) {
        int b = batch.size();
        NDArray obs = frame.observations(step, batch.observations(), b);
        NDArray next = frame.observations(step, batch.nextObservations(), b);
        NDArray act = frame.actions(step, batch.actions(), b);
        NDArray reward = step.create(batch.rewards(), new Shape(b, 1));
        NDArray notDone = step.ones(new Shape(b, 1)).sub(step.create(batch.dones(), new Shape(b, 1)));
        float alpha = (float) Math.exp(logAlpha);

        // Bellman target, no gradients: r + γ (1 − done) min over a random subset of Q'(s', a')
        // (− α log π(a'|s') with the entropy backup on)
        NDArray[] nextPolicy = sample(actorModel.getBlock().forward(inference, new NDList(next), false).head());
        NDList nextQ = targetModel.getBlock().forward(inference,
                new NDList(NDArrays.concat(new NDList(next, nextPolicy[0]), 1)), false);
        NDArray minQ = null;
        for (int i : subset()) {
            minQ = minQ == null ? nextQ.get(i) : NDArrays.minimum(minQ, nextQ.get(i));
        }
        NDArray nextValue = settings.entropyBackup() ? minQ.sub(nextPolicy[1].mul(alpha)) : minQ;
        NDArray target = reward.add(notDone.mul(nextValue).mul(settings.gamma()));

        float loss;
        float meanQ;
        try (GradientCollector collector = criticTrainer.newGradientCollector()) {
            NDArray q = stack(criticTrainer.forward(new NDList(NDArrays.concat(new NDList(obs, act), 1))));
            // the sum of their mean squared errors
            NDArray l = q.sub(target.expandDims(0)).square().mean().mul(Scalars.of(step, settings.critics()));
            collector.backward(l);
            loss = l.getFloat() / settings.critics();
            meanQ = q.mean().getFloat();
        }
        criticAdam.step();
        polyak(criticModel.getBlock(), targetModel.getBlock(), settings.tau());
        return new float[] {loss, meanQ};
    }

    /** Distinct critic indexes, {@code targetCritics} of them, drawn afresh for each target. */
    private int[] subset() {
        int n = settings.critics();
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = 0; i < settings.targetCritics(); i++) {
            int j = i + subsets.nextInt(n - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return java.util.Arrays.copyOf(order, settings.targetCritics());
    }

    private static NDArray stack(NDList critics) {
        return NDArrays.stack(critics); // (critics, batch, 1)
    }

    /**
     * Writes everything training depends on: networks, targets, optimiser moments, temperature
     * and step count (the normalisation is the constructor's, see {@code LearnerCheckpoint}).
     */
    @Override
    public void save(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(settings.critics());
        out.writeInt(settings.hidden());
        out.writeInt(settings.depth());
        out.writeLong(steps);
        out.writeDouble(logAlpha);
        alphaOptimizer.save(out);
        Checkpoints.writeBlock(out, actorModel.getBlock());
        Checkpoints.writeBlock(out, criticModel.getBlock());
        Checkpoints.writeBlock(out, targetModel.getBlock());
        actorAdam.save(out);
        criticAdam.save(out);
    }

    /**
     * Reads what {@link #save} wrote into this agent.
     *
     * @throws java.io.IOException when it was written for other settings or is cut short
     */
    @Override
    public void load(java.io.DataInputStream in) throws java.io.IOException {
        JniUtils.setGradMode(false);
        int critics = in.readInt();
        int hidden = in.readInt();
        int depth = in.readInt();
        if (critics != settings.critics() || hidden != settings.hidden() || depth != settings.depth()) {
            throw new java.io.IOException("checkpoint of " + critics + " critics × " + depth + " layers of " + hidden
                    + " units; this learner has " + settings.critics() + " × " + settings.depth() + " of "
                    + settings.hidden());
        }
        steps = in.readLong();
        logAlpha = in.readDouble();
        alphaOptimizer.load(in);
        Checkpoints.readBlock(in, manager, actorModel.getBlock());
        Checkpoints.readBlock(in, manager, criticModel.getBlock());
        Checkpoints.readBlock(in, manager, targetModel.getBlock());
        actorAdam.load(in, manager);
        criticAdam.load(in, manager);
    }

    /** Deterministic actions (squashed means, in task units) for a batch of raw observations. */
    public float[] act(float[] observations, int count) {
        try (NDManager step = manager.newSubManager()) {
            return frame.meanActions(actorModel.getBlock(), step, observations, count);
        }
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public Block actor() {
        return actorModel.getBlock();
    }

    @Override
    public float[] obsMean() {
        return frame.obsMean();
    }

    @Override
    public float[] obsStd() {
        return frame.obsStd();
    }

    public float alpha() {
        return (float) Math.exp(logAlpha);
    }

    /** Draws a = tanh(u), u ~ N(mean, σ); returns {a, log π(a|s)} with log π of shape (batch, 1). */
    private NDArray[] sample(NDArray out) {
        NDArray mean = out.get(":, 0:" + actDim);
        NDArray logStd = out.get(":, " + actDim + ":").clip(LOG_STD_MIN, LOG_STD_MAX);
        NDArray noise = mean.getManager().randomNormal(mean.getShape());
        NDArray u = mean.add(logStd.exp().mul(noise));
        NDArray a = u.tanh();
        NDArray gaussian = noise.square().mul(-0.5f).sub(logStd).sub((float) HALF_LOG_2PI);
        NDArray squash = a.square().neg().add(1 + 1e-6f).log();
        NDArray logProb = gaussian.sub(squash).sum(new int[] {1}, true);
        return new NDArray[] {a, logProb};
    }

    private static void zeroGradients(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (array.hasGradient()) {
                try (NDArray grad = array.getGradient()) {
                    grad.subi(grad);
                }
            }
        }
    }

    private static void copyParameters(Block from, Block to) {
        List<Parameter> source = parameters(from);
        List<Parameter> dest = parameters(to);
        for (int i = 0; i < source.size(); i++) {
            source.get(i).getArray().copyTo(dest.get(i).getArray());
        }
    }

    private static void polyak(Block from, Block to, float tau) {
        List<Parameter> source = parameters(from);
        List<Parameter> dest = parameters(to);
        for (int i = 0; i < source.size(); i++) {
            NDArray target = dest.get(i).getArray();
            try (NDArray mixed = source.get(i).getArray().mul(tau)) {
                target.muli(1 - tau).addi(mixed);
            }
        }
    }

    private static List<Parameter> parameters(Block block) {
        List<Parameter> list = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            list.add(p.getValue());
        }
        return list;
    }

    @Override
    public void close() {
        actorTrainer.close();
        criticTrainer.close();
        actorModel.close();
        criticModel.close();
        targetModel.close();
        manager.close();
    }

    /** Adam for one scalar parameter: returns the step to subtract. */
    private static final class ScalarAdam {
        private final double lr;
        private double m;
        private double v;
        private long t;

        ScalarAdam(double lr) {
            this.lr = lr;
        }

        void save(java.io.DataOutputStream out) throws java.io.IOException {
            out.writeDouble(m);
            out.writeDouble(v);
            out.writeLong(t);
        }

        void load(java.io.DataInputStream in) throws java.io.IOException {
            m = in.readDouble();
            v = in.readDouble();
            t = in.readLong();
        }

        double step(double grad) {
            t++;
            m = 0.9 * m + 0.1 * grad;
            v = 0.999 * v + 0.001 * grad * grad;
            double mHat = m / (1 - Math.pow(0.9, t));
            double vHat = v / (1 - Math.pow(0.999, t));
            return lr * mHat / (Math.sqrt(vHat) + 1e-8);
        }
    }
}
