package io.takeover.robot.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.wire.Codecs;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaOutboxIT {

    private static final int ROBOTS = 3;
    private static final int STEPS = 2_000; // per robot

    @TempDir
    Path dir;

    /**
     * Robots publish while no broker is up: memory fills, the rest goes to disk. The broker comes
     * and they go on publishing: every step arrives exactly once and each robot's in order; the
     * spool is gone.
     */
    @Test
    void stepsPublishedWhileKafkaIsDownArriveOnceAndInOrderWhenItComesBack() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Topics topics = Topics.DEFAULT;
        KafkaOutbox.Settings settings = new KafkaOutbox.Settings(dir.resolve("outbox/outbox.spool"), 100, 1 << 20);
        try (KafkaOutbox outbox = new KafkaOutbox(KafkaConnection.to("localhost:" + port).withTopics(topics), settings)) {
            publish(outbox, 0, STEPS / 2);
            assertTrue(outbox.spooled() > ROBOTS * STEPS / 4, "memory is bounded: " + outbox.spooled() + " spooled");
            assertTrue(Files.exists(settings.spool()));

            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), port)) {
                TopicCreator.createAll(kafka.connection().withTopics(topics), 2);
                publish(outbox, STEPS / 2, STEPS); // while the spool is being sent
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (outbox.sent() < ROBOTS * STEPS && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(ROBOTS * STEPS, outbox.sent(), "acknowledged by Kafka");
                assertEquals(0, outbox.failed());

                Map<String, List<Long>> byRobot = readSteps(kafka.bootstrapServers(), topics, ROBOTS * STEPS);
                for (int r = 0; r < ROBOTS; r++) {
                    List<Long> steps = byRobot.get("robot-" + r);
                    assertEquals(STEPS, steps.size(), "robot-" + r + ": every step once");
                    for (int k = 0; k < STEPS; k++) {
                        assertEquals(k, steps.get(k), "robot-" + r + " in order");
                    }
                }
                long deadlineSpool = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (Files.exists(settings.spool()) && System.nanoTime() < deadlineSpool) {
                    Thread.sleep(50);
                }
                assertFalse(Files.exists(settings.spool()), "the spool is deleted once sent");
            }
        }
    }

    /**
     * A robot lost power while spooling: its spool ends in half a record. The next start sends
     * every whole record before it, in order, counts the torn one, and goes on sending new steps.
     */
    @Test
    void aSpoolTornByAPowerLossIsSentUpToTheTornRecordAndTheOutboxGoesOnSending() throws Exception {
        Topics topics = Topics.DEFAULT;
        KafkaOutbox.Settings settings = new KafkaOutbox.Settings(dir.resolve("outbox/outbox.spool"), 100, 1 << 20);
        int spooled = 500;
        int later = 200;
        try (OutboxSpool spool = new OutboxSpool(settings.spool())) {
            for (int k = 0; k < spooled; k++) {
                Step s = step("robot-0", k);
                spool.append(new OutboxSpool.Entry(topics.steps(), s.getRobotId(), s.getEventTime().toEpochMilli(),
                        Codecs.STEP.encode(s)));
            }
        }
        OutboxSpoolTest.truncate(settings.spool(), Files.size(settings.spool()) - 10);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0)) {
            TopicCreator.createAll(kafka.connection().withTopics(topics), 2);
            try (KafkaOutbox outbox = new KafkaOutbox(kafka.connection().withTopics(topics), settings)) {
                assertEquals(1, outbox.spoolRecordsDropped(), "the torn record");
                for (int k = spooled; k < spooled + later; k++) {
                    outbox.step(step("robot-0", k));
                }
                int expected = spooled - 1 + later;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (outbox.sent() < expected && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(expected, outbox.sent(), "acknowledged by Kafka");
                assertTrue(outbox.healthy(), () -> "sender: " + outbox.senderFailure());

                List<Long> steps = readSteps(kafka.bootstrapServers(), topics, expected).get("robot-0");
                List<Long> whole = new ArrayList<>();
                for (long k = 0; k < spooled + later; k++) {
                    if (k != spooled - 1) {
                        whole.add(k);
                    }
                }
                assertEquals(whole, steps, "every whole record once, in order; the torn one missing");
            }
        }
    }

    /**
     * A record of the spool is damaged on disk while the outbox runs (Kafka is down until then).
     * The sender sends what comes before it and stops there: the outbox says so and why, naming
     * the spool and the offset, and later steps go on to the spool, where the next start finds
     * the damage and sets it and what follows aside.
     */
    @Test
    void aSenderThatStopsSaysWhyAndLaterStepsAreSpooledForTheNextRun() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Topics topics = Topics.DEFAULT;
        KafkaOutbox.Settings settings = new KafkaOutbox.Settings(dir.resolve("outbox/outbox.spool"), 10, 1 << 20);
        int steps = 3_000;
        int damaged = 1_000; // of the spooled records
        try (KafkaOutbox outbox = new KafkaOutbox(KafkaConnection.to("localhost:" + port).withTopics(topics), settings)) {
            for (int k = 0; k < steps; k++) {
                outbox.step(step("robot-0", k));
            }
            long inMemory = steps - outbox.spooled(); // the sender waits for Kafka with the first of them
            long at = recordStarts(settings.spool()).get(damaged);
            OutboxSpoolTest.flip(settings.spool(), at + SpoolFormat.FRAME + 20);
            assertTrue(outbox.healthy());

            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), port)) {
                TopicCreator.createAll(kafka.connection().withTopics(topics), 2);
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (outbox.healthy() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertFalse(outbox.healthy(), "the sender stopped");
                String why = outbox.senderFailure().orElseThrow().getMessage();
                assertTrue(why.contains(settings.spool().toString()) && why.contains("byte " + at), why);

                long sentBefore = inMemory + damaged;
                long deadlineAcks = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (outbox.sent() < sentBefore && System.nanoTime() < deadlineAcks) {
                    Thread.sleep(50);
                }
                assertEquals(sentBefore, outbox.sent(), "everything before the damaged record");

                long spooledBefore = outbox.spooled();
                for (int k = steps; k < steps + 5; k++) {
                    outbox.step(step("robot-0", k));
                }
                assertEquals(spooledBefore + 5, outbox.spooled(), "later steps go to the spool");
                outbox.close(Duration.ofSeconds(5));
                assertEquals(sentBefore, outbox.sent(), "nothing sent after the sender stopped");
            }
            assertTrue(Files.exists(settings.spool()), "the spool is kept for the next run");
            try (OutboxSpool next = new OutboxSpool(settings.spool())) {
                assertEquals(outbox.spooled() - damaged, next.dropped(), "the next start sets the damage aside");
            }
        }
    }

    /** Where each record on disk starts, by walking the spool's lengths. */
    private static List<Long> recordStarts(Path spool) throws IOException {
        List<Long> starts = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(spool, StandardOpenOption.READ)) {
            ByteBuffer length = ByteBuffer.allocate(4);
            long size = channel.size();
            for (long at = SpoolFormat.HEADER; at + SpoolFormat.FRAME <= size; ) {
                length.clear();
                channel.read(length, at);
                starts.add(at);
                at += SpoolFormat.FRAME + length.getInt(0);
            }
        }
        return starts;
    }

    private static void publish(KafkaOutbox outbox, int from, int to) throws InterruptedException {
        for (int k = from; k < to; k++) {
            for (int r = 0; r < ROBOTS; r++) {
                outbox.step(step("robot-" + r, k));
            }
            if (k % 100 == 0) {
                Thread.sleep(1); // a fleet's pace, not a burst
            }
        }
    }

    private static Map<String, List<Long>> readSteps(String bootstrap, Topics topics, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "outbox-test");
        Map<String, List<Long>> byRobot = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.steps()));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Step step = Codecs.STEP.decode(record.value());
                    byRobot.computeIfAbsent(step.getRobotId(), k -> new ArrayList<>()).add(step.getStep());
                    read++;
                }
                if (read >= expected) {
                    // a moment more, so that a duplicate would show
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> byRobot.get(r.key()).add(-1L));
                    break;
                }
            }
        }
        return byRobot;
    }

    private static Step step(String robot, long k) {
        return Step.newBuilder().setRobotId(robot).setTask("pendulum").setEpisodeId(robot + "-e0").setStep(k)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + k * 50)).setObservation(List.of(1f, 0f, 0f))
                .setAction(List.of(0.5f)).setPolicyVersion(0).setControl(null).build();
    }
}
