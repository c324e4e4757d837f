package io.takeover.learner;

import io.takeover.replay.table.TableName;
import ai.djl.Device;
import io.takeover.learner.UpdateStats;
import io.takeover.learner.bc.BcAgent;
import io.takeover.learner.bc.BcSettings;
import io.takeover.learner.checkpoint.LearnerCheckpoint;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.learner.publish.SnapshotExporter;
import io.takeover.learner.sac.SacAgent;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.sample.Batch;
import io.takeover.replay.store.MixedSampler;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.replay.table.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner loop, for RLIF or the HG-DAgger baseline: waits for enough replay; resumes from its checkpoint if there is one (else
 * fixes the observation normalisation from the replay); then takes gradient steps on batches a
 * background sampler keeps ready, publishes the actor every {@code publishEvery} steps or
 * {@code publishInterval}, whichever comes first, with versions going on from the last one on the
 * topic or in the checkpoint, and checkpoints every {@code checkpointEvery} steps.
 */
public final class Learner implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Learner.class);
    private static final int NORMALISATION_SAMPLE = 4096;

    private final LearnerSettings settings;
    private final ReplayStore replay;
    private final PolicyPublisher publisher;
    private final Thread thread;
    private final AtomicLong gradientSteps = new AtomicLong();
    private final AtomicLong publishedVersion = new AtomicLong();
    private final AtomicLong versionsPublished = new AtomicLong();
    private final AtomicLong replayWaitNanos = new AtomicLong();
    private final AtomicLong envSteps = new AtomicLong();
    private final AtomicLong updatesBehind = new AtomicLong();
    private volatile boolean running = true;
    private volatile UpdateStats lastStats;
    private volatile double stepsPerSecond;
    private volatile Throwable failure;

    public Learner(LearnerSettings settings, ReplayStore replay, PolicyPublisher publisher) {
        this.settings = settings;
        this.replay = replay;
        this.publisher = publisher;
        if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
            System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(settings.threads()));
        }
        this.thread = new Thread(this::run, "learner-" + settings.task());
        this.thread.setDaemon(true);
    }

    public Learner start() {
        thread.start();
        return this;
    }

    public LearnerSettings settings() {
        return settings;
    }

    public long gradientSteps() {
        return gradientSteps.get();
    }

    public long publishedVersion() {
        return publishedVersion.get();
    }

    /** Versions this learner published since it started. */
    public long versionsPublished() {
        return versionsPublished.get();
    }

    public double stepsPerSecond() {
        return stepsPerSecond;
    }

    /** Time the training loop waited for batches, in seconds. */
    public double replayWaitSeconds() {
        return replayWaitNanos.get() / 1e9;
    }

    /** Environment steps (online transitions) since training began, which paced it. */
    public long envSteps() {
        return envSteps.get();
    }

    /**
     * Gradient steps the data allows that have not been taken: stays near 0 while the machine
     * keeps up with {@link LearnerSettings#updatesPerEnvStep}, grows when it cannot.
     */
    public long updatesBehind() {
        return updatesBehind.get();
    }

    public UpdateStats lastStats() {
        return lastStats;
    }

    /** Why the loop stopped, if it failed. */
    public Throwable failure() {
        return failure;
    }

    private void run() {
        try {
            LearnerCheckpoint checkpoint = settings.checkpointDir() == null ? null
                    : LearnerCheckpoint.read(settings.checkpointDir(), settings.task(), settings.algorithm());
            if (!awaitReplay()) {
                return;
            }
            float[][] normalisation = checkpoint != null ? checkpoint.normalisation() : normalisation();
            long version = Math.max(publisher.lastPublishedVersion(settings.task()),
                    checkpoint == null ? 0 : checkpoint.version());
            publishedVersion.set(version);
            SnapshotExporter exporter = new SnapshotExporter(settings.task(), settings.actionLow(), settings.actionHigh());
            Device device = settings.device().djl();
            try (Agent agent = newAgent(settings.agent(), settings.obsDim(), settings.actionLow(),
                    settings.actionHigh(), normalisation, device);
                    BatchPrefetcher batches = new BatchPrefetcher(sampler(settings.algorithm(), replay), settings, 4)) {
                if (checkpoint != null) {
                    checkpoint.restore(agent);
                    LOG.info("learner {} resumed at gradient step {} from {}", settings.task(), agent.steps(),
                            settings.checkpointDir());
                }
                gradientSteps.set(agent.steps());
                if (agent.steps() == 0) {
                    pretrain(agent);
                }
                LOG.info("learner {} training on {} from version {}", settings.task(), device, version);
                train(agent, exporter, version, batches);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error | java.io.IOException e) {
            failure = e;
            LOG.error("learner {} stopped", settings.task(), e);
        }
    }

    /** A fresh agent of the algorithm {@code agent} configures; {@code normalisation} is {mean, std} of observations. */
    public static Agent newAgent(AgentSettings agent, int obsDim, float[] actionLow, float[] actionHigh,
            float[][] normalisation, Device device) {
        if (agent instanceof BcSettings bc) {
            return new BcAgent(bc, obsDim, actionLow.length, actionLow, actionHigh, normalisation[0], normalisation[1],
                    device);
        }
        return new SacAgent((SacSettings) agent, obsDim, actionLow.length, actionLow, actionHigh, normalisation[0],
                normalisation[1], device);
    }

    /**
     * RLIF learns from the replay's mix; HG-DAgger imitates operator actions: the intervention
     * table and the demonstrations, as one buffer.
     */
    public static MixedSampler sampler(Algorithm algorithm, ReplayStore replay) {
        return algorithm == Algorithm.HG_DAGGER
                ? new MixedSampler(List.of(new MixedSampler.Part(replay.table(TableName.INTERVENTION), 1.0),
                        new MixedSampler.Part(replay.table(TableName.PRIOR), 1.0)), true)
                : replay.sampler();
    }

    /** {@link LearnerSettings#pretrainSteps} gradient steps on the prior table alone, when it holds data. */
    private void pretrain(Agent agent) {
        Table prior = replay.table(TableName.PRIOR);
        if (settings.pretrainSteps() == 0 || prior.size() == 0) {
            return;
        }
        LOG.info("learner {} pre-training {} steps on {} prior transitions", settings.task(), settings.pretrainSteps(),
                prior.size());
        Random rng = new Random(settings.agent().seed() + 2);
        List<Batch> batch = List.of(Batch.allocate(settings.agent().batchSize(), settings.obsDim(), settings.actDim()));
        for (int i = 0; i < settings.pretrainSteps() && running; i++) {
            prior.sampler().sample(prior, batch.get(0), 0, batch.get(0).size(), rng);
            lastStats = agent.update(batch);
            gradientSteps.incrementAndGet();
        }
    }

    /**
     * Waits until the environment steps since training began allow another gradient step at
     * {@link LearnerSettings#updatesPerEnvStep}; records how far behind the data the learner is.
     */
    private boolean paced(Table online, long insertedAtStart, long updates) throws InterruptedException {
        double ratio = settings.updatesPerEnvStep();
        if (ratio == 0) {
            return running;
        }
        while (running) {
            long steps = online.inserted() - insertedAtStart;
            envSteps.set(steps);
            long allowed = (long) (ratio * steps);
            updatesBehind.set(Math.max(0, allowed - updates));
            if (updates < allowed) {
                return true;
            }
            Thread.sleep(2);
        }
        return false;
    }

    private void train(Agent agent, SnapshotExporter exporter, long version, BatchPrefetcher batches)
            throws InterruptedException, java.io.IOException {
        long windowStart = System.nanoTime();
        long windowSteps = 0;
        long lastPublish = System.nanoTime();
        List<Batch> step = new ArrayList<>(settings.agent().utd());
        Table online = replay.table(TableName.ONLINE);
        long insertedAtStart = online.inserted();
        long updates = 0;
        while (running) {
            long waitStart = System.nanoTime();
            if (!paced(online, insertedAtStart, updates++)) {
                return;
            }
            for (int i = 0; i < settings.agent().utd(); i++) {
                Batch batch = batches.take(() -> running);
                if (batch == null) {
                    return;
                }
                step.add(batch);
            }
            replayWaitNanos.addAndGet(System.nanoTime() - waitStart);
            lastStats = GradientTurns.update(agent, step);
            step.forEach(batches::giveBack);
            step.clear();
            long steps = gradientSteps.incrementAndGet();
            windowSteps++;
            long now = System.nanoTime();
            if (now - windowStart >= 2_000_000_000L) {
                stepsPerSecond = windowSteps * 1e9 / (now - windowStart);
                windowStart = now;
                windowSteps = 0;
            }
            if (steps % settings.publishEvery() == 0 || now - lastPublish >= settings.publishInterval().toNanos()) {
                long parent = version;
                version++;
                UpdateStats s = lastStats;
                publisher.publish(exporter.export(agent.actor(), version, parent, agent.obsMean(), agent.obsStd(),
                        Map.of("gradient_steps", (double) steps, "critic_loss", (double) s.criticLoss(),
                                "actor_loss", (double) s.actorLoss(), "alpha", (double) s.alpha(),
                                "mean_q", (double) s.meanQ())));
                publishedVersion.set(version);
                versionsPublished.incrementAndGet();
                lastPublish = now;
            }
            if (settings.checkpointDir() != null && steps % settings.checkpointEvery() == 0) {
                LearnerCheckpoint.write(settings.checkpointDir(), settings.task(), settings.algorithm(), version, agent);
            }
        }
    }

    private boolean awaitReplay() {
        long lastReport = System.nanoTime();
        Table online = replay.table(TableName.ONLINE);
        while (running && online.size() < settings.minReplaySize()) {
            if (System.nanoTime() - lastReport > LearnerSettings.WAIT_REPORT.toNanos()) {
                LOG.info("learner {} waiting for replay: {} of {} transitions", settings.task(), online.size(),
                        settings.minReplaySize());
                lastReport = System.nanoTime();
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return running;
    }

    /** Per-dimension mean and std of observations in the replay now; fixed for this learner's life. */
    private float[][] normalisation() {
        Table online = replay.table(TableName.ONLINE);
        int n = (int) Math.min(NORMALISATION_SAMPLE, Math.max(online.size(), 1));
        int d = settings.obsDim();
        Batch sample = Batch.allocate(n, d, settings.actDim());
        online.sampler().sample(online, sample, 0, n, new Random(settings.agent().seed() + 1));
        float[] mean = new float[d];
        float[] std = new float[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += sample.observations()[i * d + j] / n;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                float diff = sample.observations()[i * d + j] - mean[j];
                std[j] += diff * diff / n;
            }
        }
        for (int j = 0; j < d; j++) {
            std[j] = (float) Math.max(Math.sqrt(std[j]), 1e-2);
        }
        return new float[][] {mean, std};
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
