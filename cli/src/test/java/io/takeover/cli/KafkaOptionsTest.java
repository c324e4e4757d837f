package io.takeover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class KafkaOptionsTest {

    @Command(name = "probe")
    static final class Probe implements Runnable {
        @Mixin
        KafkaOptions kafka;

        @Override
        public void run() {}
    }

    private static KafkaConnection parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.kafka.connection();
    }

    @Test
    void securitySettingsOfTheFileReachEveryClientUnchanged(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"), """
                bootstrap.servers=kafka.example:9094
                security.protocol=SASL_SSL
                sasl.mechanism=SCRAM-SHA-512
                sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="robot" password="p=w:d";
                ssl.truststore.type=PEM
                ssl.truststore.location=/etc/takeover/ca.pem
                """);
        KafkaConnection connection = parse("--kafka-config", file.toString());
        assertEquals("kafka.example:9094", connection.bootstrapServers(), "the file's servers, not the default");
        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"robot\" password=\"p=w:d\";",
                "ssl.truststore.type", "PEM", "ssl.truststore.location", "/etc/takeover/ca.pem"),
                connection.properties());
        assertEquals("SASL_SSL", connection.clientProperties().getProperty("security.protocol"));
        assertEquals("other:9092", parse("--kafka-config", file.toString(), "--bootstrap", "other:9092")
                .bootstrapServers(), "the option wins over the file");
    }

    @Test
    void withoutAFileOrAnOptionItIsTheLocalBroker() {
        assertEquals("localhost:9092", parse().bootstrapServers());
    }
}
