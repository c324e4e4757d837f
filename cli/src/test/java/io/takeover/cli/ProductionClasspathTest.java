package io.takeover.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What the production image runs (this module and its dependencies: deploy/Dockerfile copies
 * exactly them) holds the production commands and neither Flink's runtime nor a Kafka broker.
 */
class ProductionClasspathTest {

    @Test
    void theLearnerAndFleetProcessesCarryNoFlinkRuntimeAndNoBroker() {
        for (String absent : List.of(
                "org.apache.flink.runtime.minicluster.MiniCluster",
                "org.apache.flink.streaming.api.environment.StreamExecutionEnvironment",
                "org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend",
                "kafka.server.KafkaRaftServer",
                "io.takeover.kafka.EmbeddedKafka",
                "io.takeover.local.LocalStack")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(absent), absent + " on the classpath");
        }
    }

    @Test
    void itOffersTheProductionCommandsAndNothingThatNeedsMore() {
        Set<String> commands = new TreeSet<>(Takeover.commandLine().getSubcommands().keySet());
        assertEquals(Set.of("access", "console", "fleet", "keys", "learner", "policy", "replay", "task", "topics"), commands);
    }
}
