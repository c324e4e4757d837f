package io.takeover.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.flink.label.LabelSettings;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.wire.Codecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across interruptions: the label job reading and writing a real Kafka, stopped
 * with a savepoint or crashed (its task manager killed) half-way, gives the same committed
 * transitions as a run that was never interrupted — none lost, none twice.
 */
class LabelJobRestoreIT {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(
            new MiniClusterResourceConfiguration.Builder().setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2)
                    .build());

    private static final int ROBOTS = 6;
    private static final int EPISODES = 3;
    private static final int STEPS = 60;
    private static final int AWAIT_SECONDS = 30; // control steps per episode; +1 final step
    private static final long DT = 50;
    private static final int ALL = EPISODES * (STEPS + 1);
    private static final int HALF = ALL / 2; // mid-episode: state in flight at every interruption
    private static final long T0 = Instant.now().minusSeconds(120).toEpochMilli();

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startKafka() {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    @Timeout(240)
    void stopWithSavepointThenRestoreAndACrashThenRestoreBothMatchAnUninterruptedRun(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        List<Transition> reference = uninterrupted(new Topics("ref."));
        assertEquals(ROBOTS * EPISODES * STEPS, reference.size());
        assertTrue(reference.stream().anyMatch(Transition::getTakeover));

        assertSameTransitions(reference, withSavepoint(new Topics("savepoint.")), "stop-with-savepoint");
        assertSameTransitions(reference, withCrash(new Topics("crash."), cluster), "crash");
    }

    private static void assertSameTransitions(List<Transition> expected, List<Transition> actual, String run) {
        Map<String, Long> want = counts(expected);
        Map<String, Long> got = counts(actual);
        List<String> lost = want.keySet().stream().filter(k -> !got.containsKey(k)).sorted().toList();
        List<String> twice = got.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).sorted()
                .toList();
        assertTrue(lost.isEmpty() && twice.isEmpty(), run + ": lost " + lost + ", emitted twice " + twice);
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), run + ": content as in the uninterrupted run");
        }
    }

    private static Map<String, Long> counts(List<Transition> transitions) {
        return transitions.stream().collect(java.util.stream.Collectors.groupingBy(
                t -> t.getEpisodeId() + "#" + t.getStep(), java.util.stream.Collectors.counting()));
    }

    private List<Transition> uninterrupted(Topics topics) throws Exception {
        LabelJob job = job(topics);
        produce(topics, 0, HALF);
        JobClient client = job.start(env(job, null));
        produce(topics, HALF, ALL);
        produceFlush(topics);
        List<Transition> out = awaitAll(topics);
        client.cancel().get(30, TimeUnit.SECONDS);
        return out;
    }

    private List<Transition> withSavepoint(Topics topics) throws Exception {
        LabelJob job = job(topics);
        produce(topics, 0, HALF);
        JobClient first = job.start(env(job, null));
        awaitSome(topics);
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        produce(topics, HALF, ALL);
        produceFlush(topics);
        JobClient second = job.start(env(job, savepoint));
        List<Transition> out = awaitAll(topics);
        second.cancel().get(30, TimeUnit.SECONDS);
        return out;
    }

    private List<Transition> withCrash(Topics topics, MiniCluster cluster) throws Exception {
        LabelJob job = job(topics);
        produce(topics, 0, HALF);
        JobClient client = job.start(env(job, null));
        awaitSome(topics);
        Thread.sleep(700); // a checkpoint beyond the first commit, and work in flight after it
        cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
        produce(topics, HALF, ALL);
        produceFlush(topics);
        cluster.startTaskManager(); // the job restarts from its latest checkpoint
        List<Transition> out = awaitAll(topics);
        client.cancel().get(30, TimeUnit.SECONDS);
        return out;
    }

    private static LabelJob job(Topics topics) {
        TopicCreator.createAll(kafka.connection().withTopics(topics), 3);
        TaskRegistry.register(kafka.connection().withTopics(topics), new TaskSpec("pendulum", 3, 1, new float[] {-2},
                new float[] {2}, 200, 20), "test", Duration.ofSeconds(30));
        return new LabelJob(LabelJobSettings.local(kafka.connection(),
                dir.resolve("checkpoints-" + topics.prefix()).toUri().toString())
                .withTopics(topics).withParallelism(2).withCheckpointInterval(Duration.ofMillis(300))
                .withLabel(LabelSettings.DEFAULT.withAllowedLateness(Duration.ofSeconds(1))));
    }

    private static StreamExecutionEnvironment env(LabelJob job, String savepoint) {
        Configuration conf = job.configuration();
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        return StreamExecutionEnvironment.getExecutionEnvironment(conf);
    }

    /**
     * The steps with global step index in [from, to) of every robot, in event-time order; one
     * takeover per episode. Index g is step g % (STEPS + 1) of episode g / (STEPS + 1).
     */
    private static void produce(Topics topics, int from, int to) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int g = from; g < to; g++) {
                int e = g / (STEPS + 1);
                int k = g % (STEPS + 1);
                {
                    for (int r = 0; r < ROBOTS; r++) {
                        String robot = "robot-" + r;
                        long t = time(e, k);
                        if (k == 20 + r) {
                            send(producer, topics.interventions(), robot, Codecs.INTERVENTION.encode(
                                    intervention(robot, e, InterventionKind.TAKEOVER, t)));
                        }
                        if (k == 30 + r) {
                            send(producer, topics.interventions(), robot, Codecs.INTERVENTION.encode(
                                    intervention(robot, e, InterventionKind.HANDBACK, t)));
                        }
                        send(producer, topics.steps(), robot, Codecs.STEP.encode(step(robot, e, k, t)));
                    }
                }
            }
        }
    }

    /** A step of one extra robot per partition, far ahead: the watermark passes everything before it. */
    private static void produceFlush(Topics topics) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            for (int p = 0; p < 3; p++) {
                Step flush = step("flush-" + p, 0, 0, time(EPISODES, 0) + 60_000);
                producer.send(new ProducerRecord<>(topics.steps(), p, flush.getEventTime().toEpochMilli(),
                        flush.getRobotId().getBytes(StandardCharsets.UTF_8), Codecs.STEP.encode(flush))).get();
            }
        }
    }

    private static long time(int episode, int k) {
        return T0 + (episode * (STEPS + 2L) + k) * DT;
    }

    private static Step step(String robot, int episode, int k, long t) {
        boolean last = k == STEPS;
        return Step.newBuilder().setRobotId(robot).setTask("pendulum").setEpisodeId(robot + "/" + episode)
                .setStep(k).setEventTime(Instant.ofEpochMilli(t)).setObservation(List.of(1f, (float) k, 0f))
                .setAction(last ? List.of() : List.of(0.25f)).setPolicyVersion(episode).setTruncated(last)
                .setSuccess(last ? Boolean.TRUE : null).build();
    }

    private static Intervention intervention(String robot, int episode, InterventionKind kind, long t) {
        return Intervention.newBuilder().setRobotId(robot).setEpisodeId(robot + "/" + episode).setOperatorId("op")
                .setEventTime(Instant.ofEpochMilli(t)).setKind(kind).build();
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value), (metadata, error) -> {
            if (error != null) {
                throw new AssertionError("test input not written: " + error);
            }
        });
    }

    private static void awaitSome(Topics topics) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (readCommitted(topics).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no committed transitions within 60 s");
            }
            Thread.sleep(100);
        }
    }

    /** Waits for every expected transition, then a while longer so that duplicates would show. */
    private static List<Transition> awaitAll(Topics topics) throws InterruptedException {
        int expected = ROBOTS * EPISODES * STEPS;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        List<Transition> out = readCommitted(topics);
        while (out.size() < expected) {
            if (System.nanoTime() > deadline) {
                Map<String, Long> perEpisode = out.stream().collect(java.util.stream.Collectors.groupingBy(
                        t -> t.getEpisodeId(), java.util.TreeMap::new, java.util.stream.Collectors.counting()));
                String missing = out.stream().filter(t -> t.getEpisodeId().equals("robot-0/0"))
                        .map(t -> String.valueOf(t.getStep())).collect(java.util.stream.Collectors.joining(","));
                throw new AssertionError(topics.prefix() + " only " + out.size() + " of " + expected + " transitions within " + AWAIT_SECONDS + " s: "
                        + perEpisode + " robot-0/0 has " + missing);
            }
            Thread.sleep(200);
            out = readCommitted(topics);
        }
        Thread.sleep(1500);
        return readCommitted(topics);
    }

    private static List<Transition> readCommitted(Topics topics) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Transition> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.transitions()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> out.add(Codecs.TRANSITION.decode(r.value())));
            }
        }
        out.sort(Comparator.comparing(Transition::getRobotId).thenComparing(Transition::getEpisodeId)
                .thenComparingLong(Transition::getStep));
        return out;
    }
}
