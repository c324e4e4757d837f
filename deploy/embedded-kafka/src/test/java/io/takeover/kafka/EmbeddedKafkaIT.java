package io.takeover.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.takeover.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import io.takeover.schemas.kafka.TopicCreator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {

    @Test
    void startsAndCreatesTheContractTopicsWithPoliciesCompacted(@TempDir Path dir) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            assertEquals(1, TopicCreator.createAll(kafka.connection(), 4), "replication: the one broker there is");
            TopicCreator.createAll(kafka.connection(), 4); // idempotent
            var tooMany = assertThrows(IllegalArgumentException.class,
                    () -> TopicCreator.createAll(kafka.connection(), 4, 3));
            assertTrue(tooMany.getMessage().contains("has 1"), tooMany.getMessage());

            Properties props = new Properties();
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            try (Admin admin = Admin.create(props)) {
                Set<String> names = admin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertTrue(names.containsAll(Set.of("takeover.steps", "takeover.interventions",
                        "takeover.transitions", "takeover.policies", "takeover.fleet-stats", "takeover.dead-letters")),
                        names.toString());
                ConfigResource policies = new ConfigResource(ConfigResource.Type.TOPIC, "takeover.policies");
                Map<ConfigResource, Config> configs =
                        admin.describeConfigs(Set.of(policies)).all().get(30, TimeUnit.SECONDS);
                assertEquals("compact", configs.get(policies).get("cleanup.policy").value());
                // segments close within the hour, so that compaction runs and old snapshots go
                assertEquals("3600000", configs.get(policies).get("segment.ms").value());
                assertEquals(4, admin.describeTopics(Set.of("takeover.steps")).allTopicNames()
                        .get(30, TimeUnit.SECONDS).get("takeover.steps").partitions().size());
            }
        }
    }
}
