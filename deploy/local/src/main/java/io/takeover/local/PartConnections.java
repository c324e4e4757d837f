package io.takeover.local;

import io.takeover.console.auth.SecretFile;
import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaAccess;
import io.takeover.schemas.kafka.KafkaAccess.Part;
import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How each part of the local stack reaches the broker. On a plaintext broker every part shares
 * one connection. On a secured one each part is a SCRAM user of its own holding exactly the
 * ACLs of {@link KafkaAccess}, with a fresh password each start; its client properties are
 * written to {@code DATA/clients/<user>.properties} (Java's) and, for the robots,
 * {@code robot.librdkafka.properties} (the Python SDK's), readable by their owner only.
 *
 * @param admin the stack's own set-up (topics, the simulated tasks' registration) and tests
 */
public record PartConnections(KafkaConnection admin, Map<Part, KafkaConnection> parts) {

    public PartConnections {
        parts = Map.copyOf(parts);
    }

    public KafkaConnection of(Part part) {
        return parts.get(part);
    }

    /** Every part on the one connection. */
    static PartConnections shared(KafkaConnection connection) {
        Map<Part, KafkaConnection> parts = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            parts.put(part, connection);
        }
        return new PartConnections(connection, parts);
    }

    /** A fresh random password per part. */
    static Map<Part, String> newPasswords() {
        Map<Part, String> passwords = new EnumMap<>(Part.class);
        SecureRandom random = new SecureRandom();
        for (Part part : Part.values()) {
            byte[] secret = new byte[24];
            random.nextBytes(secret);
            passwords.put(part, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
        }
        return passwords;
    }

    /** The robots' user for SASL/PLAIN, which the broker must know from its start ({@link #librdkafka}). */
    static Map<String, String> plainUsers(Map<Part, String> passwords) {
        return Map.of(Part.ROBOT.user(), passwords.get(Part.ROBOT));
    }

    /** A user per part on a secured broker, granted its ACLs, with its client properties written under {@code clientsDir}. */
    static PartConnections secured(EmbeddedKafka kafka, Map<Part, String> passwords, Topics topics,
            Map<String, String> extra, Path clientsDir) {
        Map<Part, KafkaConnection> parts = new EnumMap<>(Part.class);
        for (Part part : Part.values()) {
            String password = passwords.get(part);
            kafka.addUser(part.user(), password);
            kafka.grant(KafkaAccess.bindings(part, part.user(), topics));
            KafkaConnection connection = withExtra(kafka.connectionAs(part.user(), password).withTopics(topics), extra);
            parts.put(part, connection);
            write(clientsDir.resolve(part.user() + ".properties"), javaProperties(connection));
            if (part == Part.ROBOT) {
                write(clientsDir.resolve("robot.librdkafka.properties"), librdkafka(kafka, part.user(), password));
            }
        }
        return new PartConnections(withExtra(kafka.adminConnection().withTopics(topics), extra), parts);
    }

    private static KafkaConnection withExtra(KafkaConnection connection, Map<String, String> extra) {
        for (Map.Entry<String, String> e : extra.entrySet()) {
            connection = connection.withProperty(e.getKey(), e.getValue());
        }
        return connection;
    }

    private static String javaProperties(KafkaConnection connection) {
        StringBuilder out = new StringBuilder("bootstrap.servers=" + connection.bootstrapServers() + "\n");
        connection.properties().forEach((k, v) -> out.append(k).append('=').append(escape(v)).append('\n'));
        return out.toString();
    }

    /**
     * librdkafka's names for the robot's settings, with PLAIN (over the same TLS) for SCRAM:
     * librdkafka before 2.6.1, as Debian's, fails SCRAM against Kafka 4 brokers.
     */
    private static String librdkafka(EmbeddedKafka kafka, String user, String password) {
        return "# SASL/PLAIN over TLS: librdkafka before 2.6.1 fails SCRAM against Kafka 4 brokers; with a newer one,\n"
                + "# sasl.mechanisms=SCRAM-SHA-512 works with the same user and password.\n"
                + Map.of("bootstrap.servers", kafka.clientBootstrapServers(), "security.protocol", "SASL_SSL",
                "sasl.mechanisms", EmbeddedKafka.PLAIN_MECHANISM, "sasl.username", user, "sasl.password", password,
                "ssl.ca.location", kafka.caCertificate().toString()).entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n", "", "\n"));
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\");
    }

    private static void write(Path file, String content) {
        SecretFile.write(file, content, "client properties");
    }
}
