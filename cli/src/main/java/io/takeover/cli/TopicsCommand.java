package io.takeover.cli;

import io.takeover.kafka.TopicCreator;
import io.takeover.schemas.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code takeover topics}: the contract's topics on a Kafka cluster, created with their settings. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Create the contract's topics (steps, interventions, transitions, policies compacted, fleet "
                + "stats, dead letters) on a Kafka cluster; topics that exist are left as they are.")
final class TopicsCommand implements Runnable {

    @Option(names = "--bootstrap", defaultValue = "${env:TAKEOVER_BOOTSTRAP:-localhost:9092}",
            description = "Kafka bootstrap servers; TAKEOVER_BOOTSTRAP (default ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(names = "--partitions", defaultValue = "${env:TAKEOVER_PARTITIONS:-4}",
            description = "Partitions of the data topics (steps, interventions, transitions); TAKEOVER_PARTITIONS "
                    + "(default ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public void run() {
        TopicCreator.createAll(bootstrap, Topics.DEFAULT, partitions);
        System.out.printf("Topics %s* ready on %s (%d partitions per data topic).%n", Topics.DEFAULT.prefix(),
                bootstrap, partitions);
    }
}
