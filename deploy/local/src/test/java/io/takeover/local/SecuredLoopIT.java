package io.takeover.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.cli.Takeover;
import io.takeover.robot.sdk.PolicySubscriber;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Step;
import io.takeover.schemas.Topics;
import io.takeover.schemas.Transition;
import io.takeover.schemas.WeightTensor;
import io.takeover.schemas.kafka.KafkaAccess.Part;
import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.policy.PolicyRefusal;
import io.takeover.schemas.policy.PolicySignature;
import io.takeover.schemas.policy.PolicyTensors;
import io.takeover.schemas.policy.SigningKey;
import io.takeover.schemas.release.PolicyArchive;
import io.takeover.schemas.task.TaskRegistry;
import io.takeover.schemas.wire.Codecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop over a secured broker: SASL_SSL with SCRAM-SHA-512 under a CA made for the test,
 * ACLs, and each part as its own principal holding only its grants (robot, label job, learner).
 * What a user would check: robots still learn, each principal is refused what it was not granted,
 * and a policy no trusted key signed reaches no robot.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecuredLoopIT {

    private static final Topics TOPICS = Topics.DEFAULT;

    @TempDir
    static Path dir;
    private static LocalStack stack;

    @BeforeAll
    static void start() {
        stack = LocalStack.start(LocalSettings.in(dir.resolve("stack")).secured(true).robots(4).kafkaPort(0).hz(50)
                .minReplaySize(300).publishEvery(25).batchSize(64).seed(11).metricsPort(0)
                .jobMetricsPorts("9249-9299").build());
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    @Order(1)
    @Timeout(240)
    void theLoopRunsWithEveryPartAsItsOwnPrincipal() throws Exception {
        for (Part part : Part.values()) {
            KafkaConnection connection = stack.parts().of(part);
            assertEquals("SASL_SSL", connection.properties().get("security.protocol"), part + ": " + connection);
            assertTrue(connection.properties().get("sasl.jaas.config").contains("username=\"" + part.user() + "\""),
                    part + " connects as its own user");
        }
        Await.until(Duration.ofSeconds(180), "every robot to act with a signed policy version >= 2",
                () -> stack.fleet().robots().stream().allMatch(r -> r.policyVersion() >= 2));
        assertEquals(0, stack.policies().rejected(), "robots refused none of the learner's policies");

        KafkaConnection admin = stack.connection();
        List<Transition> transitions = TopicReader.readAll(admin, TOPICS.transitions(), Codecs.TRANSITION);
        assertFalse(transitions.isEmpty(), "the label job wrote transitions as its own principal");
        assertTrue(transitions.stream().anyMatch(Transition::getTakeover), "with takeovers labelled −1");
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readRaw(admin, TOPICS.policies())) {
            if (r.value() != null) { // a retired version's tombstone has none
                PolicySnapshot snapshot = Codecs.POLICY_SNAPSHOT.decode(r.value());
                PolicySignature.verify(snapshot, stack.trustedKeys()); // every published snapshot is signed
            }
        }
    }

    @Test
    @Order(2)
    void eachPrincipalIsRefusedWhatItWasNotGranted() {
        byte[] anything = {1, 2, 3};
        assertRefused(Part.ROBOT, TOPICS.policies(), anything); // a robot cannot steer the fleet
        assertRefused(Part.ROBOT, TOPICS.transitions(), anything); // nor forge labels
        assertRefused(Part.LABEL_JOB, TOPICS.policies(), anything);
        assertRefused(Part.LEARNER, TOPICS.steps(), anything);
        assertRefused(Part.LEARNER, TOPICS.transitions(), anything);
        TopicAuthorizationException e = assertThrows(TopicAuthorizationException.class,
                () -> TopicReader.readRaw(stack.parts().of(Part.ROBOT), TOPICS.transitions()));
        assertTrue(e.getMessage().contains(TOPICS.transitions()), e.getMessage());
    }

    @Test
    @Order(3)
    void theCommandLinePassesTheClientPropertiesThrough() throws Exception {
        Path clients = dir.resolve("stack/clients");
        Path task = Files.writeString(dir.resolve("point2d.yaml"), "name: point2d\nobs_dim: 4\nact_dim: 2\n"
                + "action_low: [-1, -1]\naction_high: [1, 1]\nmax_episode_steps: 50\ncontrol_hz: 50\n");
        // the label job's principal may read tasks but not register one; a robot's may do both
        assertEquals(0, takeover("task", "list", "--kafka-config", clients.resolve("label-job.properties").toString()));
        assertTrue(takeover("task", "register", task.toString(), "--kafka-config",
                clients.resolve("label-job.properties").toString()) != 0, "the label job may not register tasks");
        assertEquals(0, takeover("task", "register", task.toString(), "--kafka-config",
                clients.resolve("robot.properties").toString()));
        assertEquals(4, TaskRegistry.read(stack.connection(), Duration.ofSeconds(30))
                .require("point2d").obsDim());
    }

    private static int takeover(String... args) {
        // bootstrap.servers comes from the file, as from Kafka's own --command-config
        return Takeover.commandLine().execute(args);
    }

    @Test
    @Order(4)
    @Timeout(120)
    void aSnapshotNoTrustedKeySignedReachesNoRobot() throws Exception {
        PolicySubscriber policies = stack.policies();
        long current = policies.currentVersion();
        PolicySnapshot genuine = null;
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readRaw(stack.connection(), TOPICS.policies())) {
            if (r.value() != null) {
                genuine = Codecs.POLICY_SNAPSHOT.decode(r.value());
            }
        }
        long forgedVersion = current + 1_000;
        // the learner's principal may write policies: these snapshots get through the ACLs, not past the robots
        PolicySnapshot untrusted = PolicySignature.sign(PolicySnapshot.newBuilder(genuine).setVersion(forgedVersion)
                .build(), SigningKey.generate());
        PolicySnapshot tampered = PolicySignature.sign(PolicySnapshot.newBuilder(genuine).setVersion(forgedVersion + 1)
                .build(), SigningKey.read(dir.resolve("stack/keys/local.key")));
        List<WeightTensor> weights = new ArrayList<>(tampered.getWeights());
        float[] values = PolicyTensors.values(weights.get(0));
        values[0] = 50f;
        weights.set(0, PolicyTensors.tensor(weights.get(0).getName(),
                weights.get(0).getShape().stream().mapToInt(Integer::intValue).toArray(), values));
        tampered.setWeights(weights);
        tampered.setWeightsSha256(PolicyTensors.sha256(weights));
        produce(Part.LEARNER, TOPICS.policies(), PolicyArchive.key(untrusted.getTask(), forgedVersion),
                Codecs.POLICY_SNAPSHOT.encode(untrusted));
        produce(Part.LEARNER, TOPICS.policies(), PolicyArchive.key(tampered.getTask(), forgedVersion + 1),
                Codecs.POLICY_SNAPSHOT.encode(tampered));

        Await.until(Duration.ofSeconds(60), "the robots to refuse both snapshots",
                () -> policies.refused(PolicyRefusal.UNKNOWN_KEY) >= 1 && policies.refused(PolicyRefusal.BAD_SIGNATURE) >= 1);
        long ticks = stack.fleet().ticks();
        Await.until(Duration.ofSeconds(30), "robots to act a while longer", () -> stack.fleet().ticks() >= ticks + 200);
        assertTrue(stack.fleet().robots().stream().allMatch(r -> r.policyVersion() < forgedVersion),
                "no robot acts with a forged version");
        assertTrue(policies.currentVersion() < forgedVersion, "the subscriber kept the last good version");
        List<Step> steps = TopicReader.readAll(stack.connection(), TOPICS.steps(), Codecs.STEP);
        assertTrue(steps.stream().noneMatch(s -> s.getPolicyVersion() >= forgedVersion),
                "no step was taken by a forged version");
    }

    @Test
    @Order(5)
    @Timeout(300)
    void aPythonRobotConnectsAsTheRobotPrincipalAndRunsTheSignedPolicies() throws Exception {
        Path clients = dir.resolve("stack/clients");
        PythonProcess.Run run = PythonProcess.run(dir, Duration.ofMinutes(4), Map.of(), List.of(
                "examples/point_robot.py", "--kafka-config", clients.resolve("robot.librdkafka.properties").toString(),
                "--trusted-keys", dir.resolve("stack/keys").toString(), "--robots", "2", "--hz", "100",
                "--duration", "180", "--until-version", "1", "--spool-dir", dir.resolve("py-spool").toString()));
        assertEquals(0, run.exit(), "the Python robot failed:\n" + run.output());
        var summary = run.result();
        assertTrue(summary.get("max_version").asLong() >= 1, "it acted with a signed policy it verified: " + summary);
        List<Step> steps = TopicReader.readAll(stack.connection(), TOPICS.steps(), Codecs.STEP).stream()
                .filter(s -> s.getRobotId().startsWith("py-")).toList();
        assertTrue(steps.stream().anyMatch(s -> s.getPolicyVersion() >= 1), "its steps, over SASL_SSL: " + summary);
    }

    private static void assertRefused(Part part, String topic, byte[] value) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> produce(part, topic, "x", value),
                part + " must not write to " + topic);
        assertInstanceOf(TopicAuthorizationException.class, e.getCause(), part + " writing " + topic + ": " + e);
    }

    private static void produce(Part part, String topic, String key, byte[] value) throws Exception {
        var props = stack.parts().of(part).clientProperties();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 << 20);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }
}
