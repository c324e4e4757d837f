package io.takeover.tools.bench;

import io.takeover.learner.ComputeDevice;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.learner.Learner;
import io.takeover.learner.LearnerSettings;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.Control;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.wire.Codecs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The learner as it runs (replay, background sampling, SAC in the RLPD recipe, publishing to
 * Kafka): gradient steps per second at batch 256 with the default 3×256 networks, for each ensemble size,
 * and the share of wall time the training loop waited for batches.
 */
public final class LearnerBenchmark {

    private final Path dir;
    private final Duration each;
    private final ComputeDevice device;
    private final PrintStream out;

    public LearnerBenchmark(Path dir, Duration each, ComputeDevice device, PrintStream out) {
        this.dir = dir;
        this.each = each;
        this.device = device;
        this.out = out;
    }

    public void run(List<Integer> ensembles) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection(), 1);
            int run = 0;
            for (int critics : ensembles) {
                Path replayDir = dir.resolve("replay-" + run++);
                try (ReplayStore replay = ReplayStore.open(ReplaySettings.defaults(replayDir, "pendulum", 3, 1,
                                1_000_000, 1));
                        PolicyPublisher publisher = new PolicyPublisher(kafka.connection(), SigningKey.generate())) {
                    fill(replay, 100_000);
                    SacSettings sac = SacSettings.DEFAULT.withCritics(critics);
                    LearnerSettings settings = LearnerSettings.of("pendulum", 3, new float[] {-2}, new float[] {2},
                            sac, 1000, null).withDevice(device);
                    try (Learner learner = new Learner(settings, replay, publisher).start()) {
                        Thread.sleep(5_000); // engine start and JIT
                        long steps0 = learner.gradientSteps();
                        double wait0 = learner.replayWaitSeconds();
                        long t0 = System.nanoTime();
                        Thread.sleep(each.toMillis());
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        if (learner.failure() != null) {
                            throw new IllegalStateException("the learner failed", learner.failure());
                        }
                        double rate = (learner.gradientSteps() - steps0) / seconds;
                        double waited = (learner.replayWaitSeconds() - wait0) / seconds;
                        out.printf("%2d critics: %,6.1f gradient steps/s (batch %d, %dx%d, UTD %d, %s); "
                                        + "waiting for batches %.1f%% of the time%n", critics, rate, sac.batchSize(),
                                sac.depth(), sac.hidden(), sac.utd(), device, 100 * waited);
                    }
                }
            }
        }
    }

    private static void fill(ReplayStore replay, int n) {
        Random rng = new Random(1);
        for (int from = 0; from < n; from += 1000) {
            List<Transition> ts = new ArrayList<>();
            for (int i = from; i < from + 1000; i++) {
                List<Float> obs = List.of(rng.nextFloat() * 2 - 1, rng.nextFloat() * 2 - 1, rng.nextFloat() * 16 - 8);
                ts.add(Transition.newBuilder().setRobotId("r" + i % 8).setTask("pendulum").setEpisodeId("e" + i / 200)
                        .setStep(i % 200).setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + 50L * i))
                        .setObservation(obs).setAction(List.of(rng.nextFloat() * 4 - 2)).setNextObservation(obs)
                        .setReward(i % 100 == 0 ? -1f : 0f).setTerminal(false)
                        .setSource(i % 10 == 0 ? Control.OPERATOR : Control.POLICY).setTakeover(i % 100 == 0)
                        .setPolicyVersion(0).build());
            }
            replay.insert(ts, ts.stream().map(Codecs.TRANSITION::encode).toList(), Map.of());
        }
    }
}
