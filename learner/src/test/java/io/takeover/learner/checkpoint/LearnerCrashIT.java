package io.takeover.learner.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.takeover.schemas.policy.SigningKey;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.learner.Algorithm;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.learner.publish.PolicyPublisher;
import io.takeover.replay.store.ReplayStore;
import io.takeover.robot.policy.MlpPolicy;
import io.takeover.robot.task.Pendulum;
import io.takeover.schemas.Control;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.wire.Codecs;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill -9 a learner that has been training and publishing, start it again: it resumes from its
 * checkpoint, its next version follows the last published one, and its first new policy is as
 * good as the last (a learner resuming with fresh weights would fall to chance).
 */
class LearnerCrashIT {

    @Test
    void killedAndRestartedItContinuesWhereItWasWithoutRegressing(@TempDir Path dir) throws Exception {
        Path replay = dir.resolve("replay");
        Path checkpoints = dir.resolve("checkpoints");
        fillReplay(replay);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection(), 1);

            Process first = start(kafka.bootstrapServers(), replay, checkpoints);
            AtomicLong version = follow(first);
            awaitVersion(first, version, 12);
            Thread.sleep(new Random().nextInt(300)); // anywhere in the next steps
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

            long lastVersion;
            try (PolicyPublisher publisher = new PolicyPublisher(kafka.connection(), SigningKey.generate())) {
                lastVersion = publisher.lastPublishedVersion("pendulum");
            }
            LearnerCheckpoint checkpoint = LearnerCheckpoint.read(checkpoints, "pendulum", Algorithm.RLIF);
            assertNotNull(checkpoint, "a checkpoint was written before the kill");

            Process second = start(kafka.bootstrapServers(), replay, checkpoints);
            try {
                awaitVersion(second, follow(second), lastVersion + 1);
            } finally {
                second.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }

            Map<Long, PolicySnapshot> snapshots = snapshots(kafka.bootstrapServers());
            PolicySnapshot last = snapshots.get(lastVersion);
            PolicySnapshot next = snapshots.get(lastVersion + 1);
            assertNotNull(next, "versions go on from " + lastVersion + ": " + snapshots.keySet());
            assertEquals(lastVersion, next.getParentVersion());
            assertTrue(next.getLearnerStats().get("gradient_steps") > checkpoint.steps(),
                    "it resumed at step " + checkpoint.steps() + ", not from zero: "
                            + next.getLearnerStats().get("gradient_steps"));
            double before = safeShare(last);
            double after = safeShare(next);
            assertTrue(before >= 0.8, "it had learned before the kill: " + before);
            assertTrue(after >= before - 0.05, "no worse after the restart: " + after + " vs " + before);
        }
    }

    /** One-step episodes where acting below zero earns −1: what a takeover teaches, in its simplest form. */
    private static void fillReplay(Path dir) {
        Random rng = new Random(3);
        List<Transition> ts = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            float a = rng.nextFloat() * 4 - 2;
            List<Float> obs = List.of((float) rng.nextGaussian(), (float) rng.nextGaussian(), (float) rng.nextGaussian());
            ts.add(Transition.newBuilder().setRobotId("r").setTask("pendulum").setEpisodeId("e" + i).setStep(0)
                    .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + i)).setObservation(obs)
                    .setAction(List.of(a)).setNextObservation(obs).setReward(a < 0 ? -1f : 0f).setTerminal(true)
                    .setSource(Control.POLICY).setTakeover(a < 0).setPolicyVersion(0).build());
        }
        try (ReplayStore store = ReplayStore.open(LearnerProcess.replaySettings(dir))) {
            store.insert(ts, ts.stream().map(Codecs.TRANSITION::encode).toList(), Map.of());
        }
    }

    /** Share of 500 random observations where the policy's action keeps clear of −1. */
    private static double safeShare(PolicySnapshot snapshot) throws Exception {
        MlpPolicy.Actor actor = MlpPolicy.load(snapshot, Pendulum.SPEC).newActor();
        Random rng = new Random(17);
        float[] obs = new float[3];
        float[] action = new float[1];
        int safe = 0;
        for (int i = 0; i < 500; i++) {
            for (int j = 0; j < 3; j++) {
                obs[j] = (float) rng.nextGaussian();
            }
            actor.act(obs, action);
            safe += action[0] >= 0 ? 1 : 0;
        }
        return safe / 500.0;
    }

    private static Process start(String bootstrap, Path replay, Path checkpoints) throws Exception {
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1", "-cp", System.getProperty("java.class.path"),
                LearnerProcess.class.getName(), bootstrap, replay.toString(), checkpoints.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static AtomicLong follow(Process process) {
        AtomicLong version = new AtomicLong(-1);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                String line;
                while ((line = out.readLine()) != null) {
                    String[] words = line.split(" ");
                    if (words.length == 4 && words[2].equals("version")) {
                        version.set(Long.parseLong(words[3]));
                    }
                }
            } catch (java.io.IOException e) {
                // the process is gone
            }
        });
        reader.setDaemon(true);
        reader.start();
        return version;
    }

    private static void awaitVersion(Process process, AtomicLong version, long wanted) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (version.get() < wanted) {
            assertTrue(process.isAlive(), "the learner process died");
            assertTrue(System.nanoTime() < deadline, "no version " + wanted + " within 180 s: " + version.get());
            Thread.sleep(50);
        }
    }

    private static Map<Long, PolicySnapshot> snapshots(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        Map<Long, PolicySnapshot> byVersion = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(Topics.DEFAULT.policies(), 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    PolicySnapshot s = Codecs.POLICY_SNAPSHOT.decode(r.value());
                    byVersion.put(s.getVersion(), s);
                });
            }
        }
        return byVersion;
    }
}
