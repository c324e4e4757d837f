package io.takeover.cli;

import io.takeover.schemas.kafka.KafkaConnection;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How a command reaches a Kafka cluster: the same options, with the same variables, on every command. */
final class KafkaOptions {

    @Option(names = "--bootstrap", defaultValue = "${env:TAKEOVER_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers; TAKEOVER_BOOTSTRAP (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Mixin
    KafkaClientOptions client;

    KafkaConnection connection() {
        return KafkaConnection.of(bootstrap, client.config, client.topicPrefix);
    }
}
