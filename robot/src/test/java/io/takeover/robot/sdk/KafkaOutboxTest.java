package io.takeover.robot.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.kafka.EmbeddedKafka;
import io.takeover.kafka.TopicCreator;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.wire.Codecs;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
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

class KafkaOutboxTest {

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
        try (KafkaOutbox outbox = new KafkaOutbox("localhost:" + port, topics, settings)) {
            publish(outbox, 0, STEPS / 2);
            assertTrue(outbox.spooled() > ROBOTS * STEPS / 4, "memory is bounded: " + outbox.spooled() + " spooled");
            assertTrue(Files.exists(settings.spool()));

            try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), port)) {
                TopicCreator.createAll(kafka.bootstrapServers(), topics, 2);
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
