package io.takeover.learner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.takeover.schemas.policy.SigningKey;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.learner.sac.SacSettings;
import io.takeover.replay.store.ReplaySettings;
import io.takeover.replay.store.ReplayStore;
import io.takeover.schemas.Control;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.wire.Codecs;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearnerMetricsIT {

    @Test
    void aScrapeOfATrainingLearnerShowsItsProgress(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection(), 1);
            try (ReplayStore replay = ReplayStore.open(ReplaySettings.defaults(dir.resolve("replay"), "pendulum", 3, 1,
                            10_000, 1));
                    PolicyPublisher publisher = new PolicyPublisher(kafka.connection(), SigningKey.generate())) {
                insert(replay, 0, 500);
                SacSettings sac = SacSettings.DEFAULT.withHidden(16).withBatchSize(32).withCritics(2);
                try (Learner learner = new Learner(LearnerSettings.of("pendulum", 3, new float[] {-2}, new float[] {2},
                        sac, 100, null).withPublishEvery(10), replay, publisher).start()) {
                    PrometheusRegistry registry = new PrometheusRegistry();
                    LearnerMetrics.register(registry, learner);
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (learner.versionsPublished() < 2) {
                        assertTrue(System.nanoTime() < deadline && learner.failure() == null, "no versions published");
                        Thread.sleep(50);
                    }
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
                    String text = out.toString(StandardCharsets.UTF_8);
                    for (String name : List.of("takeover_learner_critic_loss", "takeover_learner_actor_loss",
                            "takeover_learner_mean_q", "takeover_learner_temperature", "takeover_learner_entropy",
                            "takeover_learner_gradient_steps_per_second", "takeover_learner_update_to_data_ratio",
                            "takeover_learner_replay_wait_seconds_total")) {
                        assertTrue(text.contains(name + "{task=\"pendulum\"}"), "missing " + name + " in\n" + text);
                    }
                    assertTrue(value(text, "takeover_learner_gradient_steps_total") >= 20, text);
                    assertTrue(value(text, "takeover_learner_versions_published_total") >= 2, text);
                    assertTrue(value(text, "takeover_learner_policy_version") >= 2, text);
                }
            }
        }
    }

    /**
     * Paced at half a gradient step per environment step, the learner takes exactly that many
     * for the transitions that arrive once it trains, then waits: what it learns does not depend
     * on how fast the machine is.
     */
    @Test
    void aPacedLearnerTakesItsRatioOfGradientStepsPerEnvironmentStepAndWaitsForMore(@TempDir Path dir)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection(), 1);
            try (ReplayStore replay = ReplayStore.open(ReplaySettings.defaults(dir.resolve("replay"), "pendulum", 3, 1,
                            10_000, 1));
                    PolicyPublisher publisher = new PolicyPublisher(kafka.connection(), SigningKey.generate())) {
                insert(replay, 0, 200);
                SacSettings sac = SacSettings.DEFAULT.withHidden(16).withBatchSize(32).withCritics(2);
                try (Learner learner = new Learner(LearnerSettings.of("pendulum", 3, new float[] {-2}, new float[] {2},
                        sac, 100, null).withUpdatesPerEnvStep(0.5), replay, publisher).start()) {
                    PrometheusRegistry registry = new PrometheusRegistry();
                    LearnerMetrics.register(registry, learner);
                    Thread.sleep(2000); // no new data: no gradient step
                    assertEquals(0, learner.gradientSteps(), "gradient steps with no new environment steps");
                    insert(replay, 200, 600);
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (learner.gradientSteps() < 200) {
                        assertTrue(System.nanoTime() < deadline && learner.failure() == null, "stuck at "
                                + learner.gradientSteps() + " gradient steps");
                        Thread.sleep(20);
                    }
                    Thread.sleep(1000);
                    assertEquals(200, learner.gradientSteps(), "half a step for each of 400 new environment steps");
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
                    String text = out.toString(StandardCharsets.UTF_8);
                    assertEquals(0.5, value(text, "takeover_learner_updates_per_env_step_target"));
                    assertEquals(0, value(text, "takeover_learner_updates_behind"));
                    assertEquals(400, value(text, "takeover_learner_env_steps_total"));
                }
            }
        }
    }

    private static void insert(ReplayStore replay, int from, int to) {
        Random rng = new Random(from);
        List<Transition> ts = new ArrayList<>();
        for (int i = from; i < to; i++) {
            List<Float> obs = List.of(rng.nextFloat(), rng.nextFloat(), rng.nextFloat());
            ts.add(Transition.newBuilder().setRobotId("r").setTask("pendulum").setEpisodeId("e").setStep(i)
                    .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + i)).setObservation(obs)
                    .setAction(List.of(rng.nextFloat())).setNextObservation(obs).setReward(0f).setTerminal(false)
                    .setSource(Control.POLICY).setTakeover(false).setPolicyVersion(0).build());
        }
        replay.insert(ts, ts.stream().map(Codecs.TRANSITION::encode).toList(), Map.of());
    }

    private static double value(String text, String name) {
        Matcher m = Pattern.compile("^" + name + "\\{task=\"pendulum\"\\} (\\S+)$", Pattern.MULTILINE).matcher(text);
        assertTrue(m.find(), "missing " + name);
        return Double.parseDouble(m.group(1));
    }
}
