package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.Control;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label job as it runs locally (embedded Kafka, MiniCluster, no simulated robots), fed the way
 * an outside robot feeds it: a fleet that falls quiet is still labelled to its last step, and a
 * takeover that comes long after its episode ended is dead-lettered instead of changing the next.
 */
@Timeout(180)
class LabelGuaranteesIT {

    private static final Topics TOPICS = Topics.DEFAULT;
    private static final long DT = 50;
    private static final int LENGTH = 60;

    @TempDir
    static Path dir;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalSettings.in(dir).robots(0).kafkaPort(0).minReplaySize(900_000).batchSize(64)
                .seed(3).metricsPort(0).jobMetricsPorts("9249-9299").build());
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Test
    void aFleetThatFallsQuietIsLabelledToItsLastStep() throws Exception {
        long t0 = System.currentTimeMillis();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String robot : List.of("quiet-1", "quiet-2", "quiet-3")) {
            records.addAll(episode(robot, robot + "/e1", t0, LENGTH, false)); // stops mid-episode
        }
        produce(records);
        // then nothing: no step, no intervention, the watermark stands still
        Await.until(Duration.ofSeconds(60), "every sent step with a successor labelled", () ->
                transitions("quiet-").size() == 3 * (LENGTH - 1));
        List<Transition> out = transitions("quiet-");
        assertEquals(3 * (LENGTH - 1), out.stream().map(t -> t.getRobotId() + "|" + t.getStep()).distinct().count(),
                "each once");
    }

    @Test
    void aTakeoverOfAnEndedEpisodeArrivingLateIsDeadLetteredAndTheNextEpisodeIsThePolicys() throws Exception {
        long t0 = System.currentTimeMillis();
        String robot = "late-1";
        produce(episode(robot, robot + "/e1", t0, LENGTH, true));
        Await.until(Duration.ofSeconds(60), "the first episode labelled",
                () -> transitions(robot).size() == LENGTH - 1);

        Intervention late = Intervention.newBuilder().setRobotId(robot).setEpisodeId(robot + "/e1")
                .setOperatorId("op-7").setEventTime(Instant.ofEpochMilli(t0 + 20 * DT))
                .setKind(InterventionKind.TAKEOVER).setReason("seen on a replayed video").build();
        List<ProducerRecord<byte[], byte[]>> next = new ArrayList<>();
        next.add(new ProducerRecord<>(TOPICS.interventions(), key(robot), Codecs.INTERVENTION.encode(late)));
        next.addAll(episode(robot, robot + "/e2", System.currentTimeMillis(), LENGTH, true));
        produce(next);

        Await.until(Duration.ofSeconds(60), "the second episode labelled",
                () -> transitions(robot).size() == 2 * (LENGTH - 1));
        List<Transition> second = transitions(robot).stream()
                .filter(t -> t.getEpisodeId().equals(robot + "/e2")).toList();
        assertEquals(LENGTH - 1, second.size());
        assertTrue(second.stream().allMatch(t -> t.getSource() == Control.POLICY && !t.getTakeover()
                && t.getOperatorId() == null), "the next episode is the policy's, untouched");
        Await.until(Duration.ofSeconds(30), "the late takeover in the dead letters", () -> deadLetters(robot)
                .stream().anyMatch(d -> d.getReason().equals("LATE_INTERVENTION")));
        DeadLetter letter = deadLetters(robot).get(0);
        assertEquals(late, Codecs.INTERVENTION.decode(letter.getValue().array()), "byte for byte");
        assertTrue(letter.getMessage().contains(robot + "/e1"), letter.getMessage());
    }

    private static List<ProducerRecord<byte[], byte[]>> episode(String robot, String episode, long t0, int length,
            boolean ends) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int k = 0; k < length; k++) {
            boolean last = ends && k == length - 1;
            Step step = Step.newBuilder().setRobotId(robot).setTask("pendulum").setEpisodeId(episode).setStep(k)
                    .setEventTime(Instant.ofEpochMilli(t0 + k * DT)).setObservation(List.of((float) k, 0f, 1f))
                    .setAction(last ? List.of() : List.of(0.1f)).setPolicyVersion(0).setControl(Control.POLICY)
                    .setTruncated(last).build();
            records.add(new ProducerRecord<>(TOPICS.steps(), key(robot), Codecs.STEP.encode(step)));
        }
        return records;
    }

    private static byte[] key(String robot) {
        return robot.getBytes(StandardCharsets.UTF_8);
    }

    private static void produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get();
            }
        }
    }

    private static List<Transition> transitions(String robotPrefix) {
        return TopicReader.readAll(stack.bootstrapServers(), TOPICS.transitions(), Codecs.TRANSITION).stream()
                .filter(t -> t.getRobotId().startsWith(robotPrefix)).toList();
    }

    private static List<DeadLetter> deadLetters(String robot) {
        return TopicReader.readAll(stack.bootstrapServers(), TOPICS.deadLetters(), Codecs.DEAD_LETTER).stream()
                .filter(d -> d.getKey() != null && robot.equals(keyOf(d))).toList();
    }

    private static String keyOf(DeadLetter d) {
        byte[] key = new byte[d.getKey().remaining()];
        d.getKey().duplicate().get(key);
        return new String(key, StandardCharsets.UTF_8);
    }
}
