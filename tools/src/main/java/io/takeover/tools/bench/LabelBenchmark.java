package io.takeover.tools.bench;

import io.takeover.flink.LabelJob;
import io.takeover.flink.LabelJobSettings;
import io.takeover.flink.LabelPipeline;
import io.takeover.flink.ingest.InputRecord;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.Control;
import io.takeover.schemas.Intervention;
import io.takeover.schemas.InterventionKind;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.task.TaskSpec;
import io.takeover.schemas.wire.Codecs;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Throughput and delay of the label job, Kafka to Kafka, exactly once, RocksDB state: a backlog
 * of steps from many robots (about 1% of steps taken over) is labelled by the label job and,
 * for reference, copied by a pass-through keyed job with the same source and sink; then a live
 * fleet measures the delay from a step's append to its transition being readable.
 */
public final class LabelBenchmark {

    private static final int PARTITIONS = 4;
    private static final int EPISODE = 200; // steps per episode, the last one final
    private static final long DT = 50; // 20 Hz

    private final Path dir;
    private static final String TASK = "bench";

    private final int steps;
    private final int robots;
    private final int parallelism;
    private final int obsDim;
    private final int actDim;
    private final PrintStream out;

    /** Steps of {@code obsDim} observations and {@code actDim} actions (the pendulum's are 3 and 1). */
    public LabelBenchmark(Path dir, int steps, int robots, int parallelism, int obsDim, int actDim, PrintStream out) {
        this.dir = dir;
        this.steps = steps;
        this.robots = robots;
        this.parallelism = parallelism;
        this.obsDim = obsDim;
        this.actDim = actDim;
        this.out = out;
    }

    public void run() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            Topics topics = new Topics("bench.");
            TopicCreator.createAll(kafka.connection().withTopics(topics), PARTITIONS);
            long t0 = System.currentTimeMillis() - (long) steps / robots * DT - 60_000;
            long start = System.nanoTime();
            long[] produced = produceBacklog(kafka.bootstrapServers(), topics, t0);
            out.printf("wire format: a step %d bytes, its transition %d bytes%n", Codecs.STEP.encode(
                    step("robot-00001", 0, 1, t0, false)).length, Codecs.TRANSITION.encode(transition()).length);
            out.printf("input: %,d steps, %,d takeovers from %d robots written in %.1f s%n", produced[0], produced[1],
                    robots, (System.nanoTime() - start) / 1e9);

            LabelJob job = new LabelJob(settings(kafka, topics));
            long expected = produced[0] - produced[2]; // one transition per step but each episode's first
            // Untimed: the JIT compiles the Kafka clients, Avro and Flink's network stack first, so the
            // job measured first is not the one that pays for it.
            out.println("warming up with a pass-through over the same input …");
            timeToOutput(job, kafka, copyTopic(kafka, "warm-up"), produced[0] + PARTITIONS, Reference.STATELESS);
            Run label = timeToOutput(job, kafka, topics.transitions(), expected, Reference.NONE);
            Run keyed = timeToOutput(job, kafka, copyTopic(kafka, "keyed"), produced[0] + PARTITIONS,
                    Reference.KEYED_STATE);
            Run copy = timeToOutput(job, kafka, copyTopic(kafka, "copy"), produced[0] + PARTITIONS,
                    Reference.STATELESS);
            double perLabel = (double) produced[0] / expected; // steps per transition
            out.printf("%-37s %14s %16s%n", "steps/s", "running", "start to end");
            out.printf("%-37s %,14.0f %,9.0f (%.1f s)%n", "label job:", label.steady() * perLabel,
                    produced[0] / label.seconds(), label.seconds());
            out.printf("%-37s %,14.0f %,9.0f (%.1f s)%n", "pass-through, a RocksDB value/robot:", keyed.steady(),
                    produced[0] / keyed.seconds(), keyed.seconds());
            out.printf("%-37s %,14.0f %,9.0f (%.1f s)%n", "pass-through, stateless:", copy.steady(),
                    produced[0] / copy.seconds(), copy.seconds());
            out.printf("ratio label / pass-through, running: %.2f (stateless: %.2f); start to end: %.2f (%.2f)%n",
                    label.steady() * perLabel / keyed.steady(), label.steady() * perLabel / copy.steady(),
                    keyed.seconds() / label.seconds(), copy.seconds() / label.seconds());
            out.println("(running: from the first output committed to the last, without the job's start-up "
                    + "and first checkpoint)");

            measureDelay(kafka);
        }
    }

    private LabelJobSettings settings(EmbeddedKafka kafka, Topics topics) {
        float[] low = new float[actDim];
        float[] high = new float[actDim];
        java.util.Arrays.fill(low, -1);
        java.util.Arrays.fill(high, 1);
        TaskRegistry.register(kafka.connection().withTopics(topics), new TaskSpec(TASK, obsDim, actDim, low, high,
                1000, 20), "bench", Duration.ofSeconds(30));
        return LabelJobSettings.local(kafka.connection(), dir.resolve("checkpoints-" + topics.prefix()).toUri()
                .toString()).withTopics(topics).withParallelism(parallelism)
                .withCheckpointInterval(Duration.ofSeconds(1));
    }

    /** The reference jobs: same source, keyed by robot, same exactly-once sink. */
    private enum Reference { NONE, KEYED_STATE, STATELESS }

    /** The least a stateful keyed job does: one RocksDB value per robot, read and written per step. */
    private static final class CountPerRobot extends RichMapFunction<Step, Step> {
        private transient ValueState<Long> count;

        @Override
        public void open(OpenContext context) {
            count = getRuntimeContext().getState(new ValueStateDescriptor<>("steps", Long.class));
        }

        @Override
        public Step map(Step step) throws Exception {
            Long n = count.value();
            count.update(n == null ? 1 : n + 1);
            return step;
        }
    }

    private static String copyTopic(EmbeddedKafka kafka, String name) {
        Topics copies = new Topics("bench." + name + ".");
        TopicCreator.createAll(kafka.connection().withTopics(copies), PARTITIONS);
        return copies.steps();
    }

    /**
     * How a job went: seconds from submission to its last output, and output records per second
     * while running, from the first committed output to the last.
     */
    private record Run(double seconds, double steady) {}

    /** Runs the label job, or a reference job, until {@code expected} records are committed. */
    private Run timeToOutput(LabelJob job, EmbeddedKafka kafka, String topic, long expected, Reference reference)
            throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.configuration());
        JobClient client;
        long start = System.nanoTime();
        if (reference != Reference.NONE) {
            env.setParallelism(parallelism);
            env.enableCheckpointing(1000);
            KeyedStream<Step, String> steps = env.fromSource(job.source("takeover-" + topic), LabelPipeline.watermarks(
                            settings(kafka, new Topics("bench."))), "input")
                    .filter(r -> r.getStep() != null).map(InputRecord::getStep).keyBy(Step::getRobotId);
            DataStream<Step> copies = reference == Reference.STATELESS ? steps.map(s -> s).returns(Step.class)
                    : steps.map(new CountPerRobot());
            copies.sinkTo(job.sink(topic, "copy-" + topic, Step::getRobotId, Codecs.STEP));
            client = env.executeAsync("takeover-" + topic);
        } else {
            client = job.start(env);
        }
        // Done when all expected records are readable, or when none were added for 60 s (a checkpoint
        // under backpressure waits for the buffered records ahead of its barrier).
        long count = 0;
        long firstCount = 0;
        long firstOutput = 0;
        long lastGrowth = System.nanoTime();
        long lastReport = System.nanoTime();
        try (CommittedCount committed = new CommittedCount(kafka.bootstrapServers(), topic)) {
            while (count < expected && System.nanoTime() - lastGrowth < TimeUnit.SECONDS.toNanos(60)) {
                Thread.sleep(100);
                long now = committed.get();
                if (now > count) {
                    if (count == 0) {
                        firstCount = now;
                        firstOutput = System.nanoTime();
                    }
                    count = now;
                    lastGrowth = System.nanoTime();
                }
                if (System.nanoTime() - lastReport > TimeUnit.SECONDS.toNanos(10)) {
                    out.printf("  … %s: %,d of %,d%n", topic, count, expected);
                    lastReport = System.nanoTime();
                }
            }
        }
        if (count < expected) {
            out.printf("  ! %s stopped at %,d of %,d records (see the job's late_steps metric)%n", topic, count,
                    expected);
        }
        double seconds = (lastGrowth - start) / 1e9;
        double steady = lastGrowth > firstOutput ? (count - firstCount) / ((lastGrowth - firstOutput) / 1e9) : 0;
        client.cancel().get(60, TimeUnit.SECONDS);
        return new Run(seconds, steady);
    }
    /** {steps, takeovers, episodes}; every robot's steps in time order, plus a flush record per partition. */
    private long[] produceBacklog(String bootstrap, Topics topics, long t0) throws Exception {
        int perRobot = steps / robots;
        long takeovers = 0;
        long episodes = 0;
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
            for (int k = 0; k < perRobot; k++) {
                for (int r = 0; r < robots; r++) {
                    String robot = "robot-" + r;
                    int inEpisode = k % EPISODE;
                    int episode = k / EPISODE;
                    long t = t0 + k * DT;
                    // two takeovers per episode of 200 steps: about 1% of steps
                    if (inEpisode == 60 || inEpisode == 140) {
                        send(producer, topics.interventions(), robot, Codecs.INTERVENTION.encode(
                                intervention(robot, episode, InterventionKind.TAKEOVER, t)));
                        takeovers++;
                    }
                    if (inEpisode == 70 || inEpisode == 150) {
                        send(producer, topics.interventions(), robot, Codecs.INTERVENTION.encode(
                                intervention(robot, episode, InterventionKind.HANDBACK, t)));
                    }
                    boolean last = inEpisode == EPISODE - 1 || k == perRobot - 1;
                    episodes += last ? 1 : 0;
                    send(producer, topics.steps(), robot, Codecs.STEP.encode(step(robot, episode, inEpisode, t, last)));
                }
            }
            long end = t0 + perRobot * DT + 10_000;
            for (int p = 0; p < PARTITIONS; p++) {
                String robot = "flush-" + p;
                producer.send(new ProducerRecord<>(topics.steps(), p, end, robot.getBytes(StandardCharsets.UTF_8),
                        Codecs.STEP.encode(step(robot, 0, 0, end, false))));
                producer.send(new ProducerRecord<>(topics.interventions(), p, end,
                        robot.getBytes(StandardCharsets.UTF_8),
                        Codecs.INTERVENTION.encode(intervention(robot, 0, InterventionKind.HANDBACK, end))));
            }
            producer.flush();
        }
        return new long[] {(long) perRobot * robots, takeovers, episodes};
    }

    /** A live fleet at 20 Hz on fresh topics: delay from a step's append to its transition, readable. */
    private void measureDelay(EmbeddedKafka kafka) throws Exception {
        Topics topics = new Topics("bench-live.");
        TopicCreator.createAll(kafka.connection().withTopics(topics), PARTITIONS);
        LabelJobSettings settings = settings(kafka, topics);
        LabelJob job = new LabelJob(settings);
        JobClient client = job.start(StreamExecutionEnvironment.getExecutionEnvironment(job.configuration()));
        List<Long> delays = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> readDelays(kafka.bootstrapServers(), topics, delays), "delay-reader");
        reader.setDaemon(true);
        reader.start();
        int seconds = 20;
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka.bootstrapServers())) {
            long begin = System.currentTimeMillis();
            for (int k = 0; k < seconds * 1000 / DT; k++) {
                long due = begin + k * DT;
                long sleep = due - System.currentTimeMillis();
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
                for (int r = 0; r < robots; r++) {
                    String robot = "robot-" + r;
                    int inEpisode = k % EPISODE;
                    if (inEpisode == 60) {
                        send(producer, topics.interventions(), robot, Codecs.INTERVENTION.encode(
                                intervention(robot, k / EPISODE, InterventionKind.TAKEOVER, due)));
                    }
                    if (inEpisode == 70) {
                        send(producer, topics.interventions(), robot, Codecs.INTERVENTION.encode(
                                intervention(robot, k / EPISODE, InterventionKind.HANDBACK, due)));
                    }
                    send(producer, topics.steps(), robot, Codecs.STEP.encode(step(robot, k / EPISODE, inEpisode, due,
                            inEpisode == EPISODE - 1)));
                }
            }
        }
        Thread.sleep(5_000);
        client.cancel().get(60, TimeUnit.SECONDS);
        List<Long> sorted = new ArrayList<>(delays);
        Collections.sort(sorted);
        long lateness = settings.label().allowedLateness().toMillis();
        if (sorted.isEmpty()) {
            out.println("delay: no transitions became readable");
            return;
        }
        out.printf("delay append→readable minus allowed lateness (%d ms), %,d transitions at %d steps/s: "
                        + "p50 %d ms, p99 %d ms%n", lateness, sorted.size(), robots * 1000 / DT,
                sorted.get(sorted.size() / 2) - lateness, sorted.get((int) (sorted.size() * 0.99)) - lateness);
    }

    private static void readDelays(String bootstrap, Topics topics, List<Long> delays) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topics.transitions()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                consumer.poll(Duration.ofMillis(50)).forEach(record -> {
                    Transition t = Codecs.TRANSITION.decode(record.value());
                    // appended when its next step was: one control period after s
                    delays.add(System.currentTimeMillis() - (t.getEventTime().toEpochMilli() + DT));
                });
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // done
        }
    }

    /**
     * Records a {@code read_committed} reader of the topic can see: its end offsets, which stop at
     * the first open transaction. Transaction markers take one offset each, so this slightly
     * overcounts records.
     */
    private static final class CommittedCount implements AutoCloseable {

        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<TopicPartition> partitions;

        CommittedCount(String bootstrap, String topic) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        }

        long get() {
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 << 10);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value));
    }

    private Step step(String robot, int episode, int k, long t, boolean last) {
        List<Float> observation = new java.util.ArrayList<>(obsDim);
        for (int i = 0; i < obsDim; i++) {
            observation.add((float) Math.sin(k * 0.1 + i));
        }
        List<Float> action = new java.util.ArrayList<>(actDim);
        for (int i = 0; !last && i < actDim; i++) {
            action.add((float) Math.cos(k * 0.1 + i));
        }
        return Step.newBuilder().setRobotId(robot).setTask(TASK).setEpisodeId(robot + "/" + episode)
                .setStep(k).setEventTime(java.time.Instant.ofEpochMilli(t)).setObservation(observation)
                .setAction(action).setPolicyVersion(1).setTruncated(last).build();
    }

    /** A labelled transition of this benchmark's sizes, as the label job writes one. */
    private Transition transition() {
        Step s = step("robot-00001", 0, 1, 0, false);
        return Transition.newBuilder().setRobotId(s.getRobotId()).setTask(TASK).setEpisodeId(s.getEpisodeId())
                .setStep(1).setEventTime(s.getEventTime()).setObservation(s.getObservation()).setAction(s.getAction())
                .setNextObservation(s.getObservation()).setReward(0f).setTerminal(false).setSource(Control.POLICY)
                .setTakeover(false).setPolicyVersion(1).build();
    }

    private static Intervention intervention(String robot, int episode, InterventionKind kind, long t) {
        return Intervention.newBuilder().setRobotId(robot).setEpisodeId(robot + "/" + episode).setOperatorId("op")
                .setEventTime(java.time.Instant.ofEpochMilli(t)).setKind(kind).build();
    }
}
