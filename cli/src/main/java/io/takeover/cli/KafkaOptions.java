package io.takeover.cli;

import io.takeover.schemas.kafka.KafkaConnection;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a command reaches a Kafka cluster: the same options, with the same variables, on every command. */
final class KafkaOptions {

    private static final String LOCAL = "localhost:9092";

    @Option(names = "--bootstrap", defaultValue = "${env:TAKEOVER_BOOTSTRAP}",
            description = "Kafka bootstrap servers; TAKEOVER_BOOTSTRAP (default: bootstrap.servers of the "
                    + "--kafka-config file, else " + LOCAL + ").")
    String bootstrap;

    @Mixin
    KafkaClientOptions client;

    KafkaConnection connection() {
        boolean inFile = client.config != null && KafkaConnection.bootstrapServersIn(client.config) != null;
        return KafkaConnection.of(bootstrap != null || inFile ? bootstrap : LOCAL, client.config, client.topicPrefix);
    }
}
