package io.takeover.cli;

import io.takeover.schemas.kafka.KafkaConnection;
import io.takeover.schemas.kafka.TopicCreator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code takeover topics}: the contract's topics on a Kafka cluster, created with their settings. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the contract's topics (steps, interventions, transitions, policies compacted, fleet "
                + "stats, dead letters) on a Kafka cluster; topics that exist are left as they are.")
final class TopicsCommand implements Runnable {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--partitions", defaultValue = "${env:TAKEOVER_PARTITIONS:-4}",
            description = "Partitions of the data topics (steps, interventions, transitions); TAKEOVER_PARTITIONS "
                    + "(default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "${env:TAKEOVER_REPLICATION_FACTOR:-0}",
            description = "Copies of each partition; TAKEOVER_REPLICATION_FACTOR (default: 3, or every broker of a "
                    + "smaller cluster).")
    int replicationFactor;

    @Override
    public void run() {
        KafkaConnection connection = kafka.connection();
        int replication = TopicCreator.createAll(connection, partitions, replicationFactor);
        System.out.printf("Topics %s* ready on %s (%d partitions per data topic, replication factor %d).%n",
                connection.topics().prefix(), connection.bootstrapServers(), partitions, replication);
    }
}
