package io.takeover.cli;

import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** What every Kafka client of a command gets, whichever broker it reaches: client properties and the topic prefix. */
public final class KafkaClientOptions {

    @Option(names = "--kafka-config", defaultValue = "${env:TAKEOVER_KAFKA_CONFIG}",
            description = "Client properties for every Kafka client (security.protocol, sasl.*, ssl.*, client.id), "
                    + "a file as for Kafka's --command-config; TAKEOVER_KAFKA_CONFIG.")
    Path config;

    @Option(names = "--topic-prefix", defaultValue = "${env:TAKEOVER_TOPIC_PREFIX:-" + Topics.DEFAULT_PREFIX + "}",
            description = "Prefix of the contract's topics; TAKEOVER_TOPIC_PREFIX (default ${DEFAULT-VALUE}).")
    String topicPrefix;

    public Topics topics() {
        return new Topics(topicPrefix);
    }

    /** The file's client properties; none without a file. */
    public Map<String, String> properties() {
        return config == null ? Map.of() : KafkaConnection.clientPropertiesIn(config);
    }
}
