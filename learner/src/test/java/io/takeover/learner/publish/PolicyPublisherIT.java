package io.takeover.learner.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import io.takeover.schemas.policy.SigningKey;

import io.takeover.kafka.EmbeddedKafka;
import io.takeover.schemas.PolicySnapshot;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.TopicCreator;
import io.takeover.schemas.policy.PolicyTensors;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyPublisherIT {

    @Test
    void aRestartedLearnerFindsTheLastVersionOfItsTaskOnTheTopic(@TempDir Path dir) {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
            TopicCreator.createAll(kafka.connection(), 1);
            try (PolicyPublisher publisher = new PolicyPublisher(kafka.connection(), SigningKey.generate())) {
                assertEquals(0, publisher.lastPublishedVersion("pendulum"), "nothing published yet");
                for (long v = 1; v <= 3; v++) {
                    publisher.publish(snapshot("pendulum", v));
                }
                publisher.publish(snapshot("reacher", 9));
            }
            try (PolicyPublisher restarted = new PolicyPublisher(kafka.connection(), SigningKey.generate())) {
                assertEquals(3, restarted.lastPublishedVersion("pendulum"));
                assertEquals(9, restarted.lastPublishedVersion("reacher"));
            }
        }
    }

    private static PolicySnapshot snapshot(String task, long version) {
        var weights = List.of(PolicyTensors.tensor("layer0.weight", new int[] {2, 3}, new float[6]),
                PolicyTensors.tensor("layer0.bias", new int[] {2}, new float[2]));
        return PolicySnapshot.newBuilder().setTask(task).setVersion(version).setParentVersion(version - 1)
                .setCreatedAt(java.time.Instant.now()).setObsDim(3).setActDim(1).setActionLow(List.of(-2f))
                .setActionHigh(List.of(2f)).setArchitecture(PolicyTensors.TANH_GAUSSIAN_MLP).setWeights(weights)
                .setObsMean(List.of(0f, 0f, 0f)).setObsStd(List.of(1f, 1f, 1f))
                .setWeightsSha256(PolicyTensors.sha256(weights)).setLearnerStats(Map.of()).build();
    }
}
