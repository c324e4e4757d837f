package io.takeover.schemas.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {

    @Test
    void aClientPropertiesFileReachesEveryClientAndMayNameTheServers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.writeString(file, """
                bootstrap.servers=kafka-1:9093,kafka-2:9093
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="robot" password="s3cret";
                """);
        KafkaConnection kafka = KafkaConnection.of(null, file, "fleet7.");
        assertEquals("kafka-1:9093,kafka-2:9093", kafka.bootstrapServers());
        assertEquals("fleet7.steps", kafka.topics().steps());
        Properties client = kafka.clientProperties();
        assertEquals("SASL_SSL", client.get("security.protocol"));
        assertEquals("kafka-1:9093,kafka-2:9093", client.get("bootstrap.servers"));
        assertFalse(kafka.toString().contains("s3cret"), "no secrets in messages: " + kafka);
        assertTrue(kafka.toString().contains("SASL_SSL"), kafka.toString());

        KafkaConnection given = KafkaConnection.of("other:9092", file, null);
        assertEquals("other:9092", given.bootstrapServers(), "--bootstrap wins over the file");
        assertEquals("takeover.steps", given.topics().steps());
        assertFalse(KafkaConnection.clientPropertiesIn(file).containsKey("bootstrap.servers"));
    }

    @Test
    void missingServersOrAnUnreadableFileSayWhatToDo(@TempDir Path dir) {
        var none = assertThrows(IllegalArgumentException.class, () -> KafkaConnection.of(null, null, null));
        assertTrue(none.getMessage().contains("--bootstrap"), none.getMessage());
        var missing = assertThrows(IllegalArgumentException.class,
                () -> KafkaConnection.of("k:9092", dir.resolve("nope.properties"), null));
        assertTrue(missing.getMessage().contains("nope.properties"), missing.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new KafkaConnection("k:9092", Map.of("bootstrap.servers", "x:1"), io.takeover.schemas.Topics.DEFAULT));
        assertThrows(IllegalArgumentException.class, () -> KafkaConnection.of("k:9092", null, "bad prefix!"));
    }
}
