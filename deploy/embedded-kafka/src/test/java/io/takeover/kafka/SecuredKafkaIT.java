package io.takeover.kafka;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A secured broker lets in whom its users and ACLs say, over TLS its clients can verify, and no one else. */
class SecuredKafkaIT {

    private static final String GRANTED = "secured.granted";
    private static final String NOT_GRANTED = "secured.not-granted";

    @TempDir
    static Path dir;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startWithAWriterAndAReader() throws Exception {
        kafka = EmbeddedKafka.startSecured(dir, 0, Map.of("writer", "writer-plain-secret"));
        try (Admin admin = Admin.create(kafka.adminConnection().clientProperties())) {
            admin.createTopics(List.of(new NewTopic(GRANTED, 1, (short) 1), new NewTopic(NOT_GRANTED, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        kafka.addUser("writer", "writer-secret");
        kafka.addUser("reader", "reader \"secret\" \\ with quotes");
        kafka.grant(List.of(allow("writer", AclOperation.WRITE, GRANTED), allow("reader", AclOperation.READ, GRANTED)));
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aWriterGrantedWriteProducesAndAReaderGrantedReadReadsItBack() throws Exception {
        KafkaConnection writer = kafka.connectionAs("writer", "writer-secret");
        assertEquals(kafka.clientBootstrapServers(), writer.bootstrapServers());
        assertEquals("SASL_SSL", writer.properties().get("security.protocol"));
        try (KafkaProducer<String, String> producer = producer(writer)) {
            producer.send(new ProducerRecord<>(GRANTED, "robot-1", "hello over TLS")).get(30, TimeUnit.SECONDS);
        }

        Properties props = kafka.connectionAs("reader", "reader \"secret\" \\ with quotes").clientProperties();
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            TopicPartition partition = new TopicPartition(GRANTED, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (read.isEmpty() && System.nanoTime() - deadline < 0) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    read.add(record.key() + "=" + record.value());
                }
            }
        }
        assertTrue(read.contains("robot-1=hello over TLS"), "read back: " + read);
    }

    @Test
    void aPlainUserIsTheSamePrincipalUnderTheSameAcls() throws Exception {
        KafkaConnection plain = kafka.connectionAs("writer", "unused")
                .withProperty("sasl.mechanism", EmbeddedKafka.PLAIN_MECHANISM)
                .withProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"writer\" password=\"writer-plain-secret\";");
        try (KafkaProducer<String, String> producer = producer(plain)) {
            producer.send(new ProducerRecord<>(GRANTED, "robot-2", "hello over PLAIN")).get(30, TimeUnit.SECONDS);
            Throwable failure = sendFailure(producer, NOT_GRANTED);
            assertInstanceOf(TopicAuthorizationException.class, failure, String.valueOf(failure));
        }
        KafkaConnection wrong = plain.withProperty("sasl.jaas.config", "org.apache.kafka.common.security.plain"
                + ".PlainLoginModule required username=\"writer\" password=\"writer-secret\";");
        try (KafkaProducer<String, String> producer = producer(wrong)) {
            assertInstanceOf(AuthenticationException.class, sendFailure(producer, GRANTED), "PLAIN has its own password");
        }
    }

    @Test
    void theWriterCannotProduceToATopicWithoutAnAcl() {
        try (KafkaProducer<String, String> producer = producer(kafka.connectionAs("writer", "writer-secret"))) {
            Throwable failure = sendFailure(producer, NOT_GRANTED);
            assertInstanceOf(TopicAuthorizationException.class, failure, String.valueOf(failure));
        }
    }

    @Test
    void aWrongPasswordDoesNotAuthenticate() {
        try (KafkaProducer<String, String> producer = producer(kafka.connectionAs("writer", "not-the-secret"))) {
            Throwable failure = sendFailure(producer, GRANTED);
            assertInstanceOf(AuthenticationException.class, failure, String.valueOf(failure));
        }
    }

    @Test
    void aPlaintextClientGetsNoMetadataFromTheSecuredPort() {
        Properties props = KafkaConnection.to(kafka.clientBootstrapServers()).clientProperties();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        try (Admin admin = Admin.create(props)) {
            assertThrows(Exception.class, () -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void theAdminConnectionIsTheInternalPlaintextOne() {
        assertEquals(kafka.connection(), kafka.adminConnection());
        assertEquals(kafka.bootstrapServers(), kafka.adminConnection().bootstrapServers());
        assertTrue(kafka.adminConnection().properties().isEmpty());
        assertTrue(!kafka.bootstrapServers().equals(kafka.clientBootstrapServers()));
    }

    @Test
    void aRestartReusesTheTlsMaterialAndKeepsTheUsersAndAcls(@TempDir Path other) throws Exception {
        byte[] ca;
        try (EmbeddedKafka first = EmbeddedKafka.startSecured(other, 0)) {
            try (Admin admin = Admin.create(first.adminConnection().clientProperties())) {
                admin.createTopics(List.of(new NewTopic(GRANTED, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            first.addUser("robot", "robot-secret");
            first.grant(List.of(allow("robot", AclOperation.WRITE, GRANTED)));
            ca = Files.readAllBytes(first.caCertificate());
            assertEquals(other.resolve("tls").resolve("ca.pem").toAbsolutePath(), first.caCertificate());
            assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
                    Files.getPosixFilePermissions(other.resolve("tls").resolve("broker-key.pem")));
        }
        try (EmbeddedKafka again = EmbeddedKafka.startSecured(other, 0)) {
            assertArrayEquals(ca, Files.readAllBytes(again.caCertificate()), "the CA clients trust is the same");
            // no addUser, no grant: the credentials and ACLs are in the metadata log
            try (KafkaProducer<String, String> producer = producer(again.connectionAs("robot", "robot-secret"))) {
                producer.send(new ProducerRecord<>(GRANTED, "robot-1", "after a restart")).get(30, TimeUnit.SECONDS);
            }
        }
        var plaintext = assertThrows(IllegalArgumentException.class, () -> EmbeddedKafka.start(other, 0));
        assertTrue(plaintext.getMessage().contains("startSecured"), plaintext.getMessage());
    }

    @Test
    void aPlaintextBrokerHasNoSecuredSide(@TempDir Path plain) {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(plain, 0)) {
            assertNull(kafka.caCertificate());
            assertEquals(kafka.connection(), kafka.adminConnection());
            var refused = assertThrows(IllegalStateException.class, () -> kafka.connectionAs("writer", "secret"));
            assertTrue(refused.getMessage().contains("startSecured"), refused.getMessage());
        }
    }

    private static AclBinding allow(String user, AclOperation operation, String topic) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static KafkaProducer<String, String> producer(KafkaConnection connection) {
        Properties props = connection.clientProperties();
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(props);
    }

    /** Why sending one record fails: thrown by send, or by its future, within the producer's deadlines. */
    private static Throwable sendFailure(KafkaProducer<String, String> producer, String topic) {
        try {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("sending to " + topic + " succeeded");
    }
}
