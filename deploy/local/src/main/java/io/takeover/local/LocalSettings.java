package io.takeover.local;

import io.takeover.learner.Algorithm;
import io.takeover.learner.LearnerSettings;
import io.takeover.robot.operator.OperatorSettings;
import io.takeover.schemas.Topics;
import java.nio.file.Path;
import java.util.Map;

/**
 * How {@code takeover local} runs everything in one JVM.
 *
 * @param dataDir       Kafka logs, Flink checkpoints and the replay store live under here
 * @param robots        simulated robots (0: none; outside producers drive the pipeline)
 * @param kafkaPort     port of the embedded broker (0: any free port)
 * @param task          the task robots run and the learner improves
 * @param hz            control rate of each simulated robot
 * @param minReplaySize transitions before the learner starts
 * @param publishEvery  gradient steps between published policies
 * @param batchSize     learner batch size
 * @param seed          seeds the fleet and the learner
 * @param critics       critics in the learner's ensemble: 2 keeps a 2-core machine learning at
 *                      ~60 gradient steps/s; RLPD's 10 runs at ~15 there
 * @param algorithm     RLIF or the HG-DAgger baseline
 * @param metricsPort   where Prometheus metrics are served (0: any free port)
 * @param jobMetricsPorts where Flink's Prometheus reporter serves the label job's metrics: the
 *                      first free port of the range
 * @param operator      how the simulated robots' scripted operators take over and control
 * @param topics        the contract's topics under this deployment's prefix
 * @param kafkaProperties client properties every Kafka client of the stack gets
 */
public record LocalSettings(Path dataDir, int robots, int kafkaPort, String task, int hz, long minReplaySize,
        int publishEvery, int batchSize, long seed, int critics, Algorithm algorithm, int metricsPort, String jobMetricsPorts,
        OperatorSettings operator, Topics topics, Map<String, String> kafkaProperties) {

    public LocalSettings {
        kafkaProperties = Map.copyOf(kafkaProperties);
    }

    /** With the default topics and no extra client properties. */
    public LocalSettings(Path dataDir, int robots, int kafkaPort, String task, int hz, long minReplaySize,
            int publishEvery, int batchSize, long seed, int critics, Algorithm algorithm, int metricsPort,
            String jobMetricsPorts, OperatorSettings operator) {
        this(dataDir, robots, kafkaPort, task, hz, minReplaySize, publishEvery, batchSize, seed, critics, algorithm,
                metricsPort, jobMetricsPorts, operator, Topics.DEFAULT, Map.of());
    }

    /** The same stack, reached under another topic prefix and with these client properties. */
    public LocalSettings withKafka(Topics otherTopics, Map<String, String> properties) {
        return new LocalSettings(dataDir, robots, kafkaPort, task, hz, minReplaySize, publishEvery, batchSize, seed,
                critics, algorithm, metricsPort, jobMetricsPorts, operator, otherTopics, properties);
    }

    public static LocalSettings defaults(Path dataDir) {
        return new LocalSettings(dataDir, 8, 9092, "pendulum", 20, LearnerSettings.MIN_REPLAY_SIZE,
                LearnerSettings.PUBLISH_EVERY, 256, 42, 2, Algorithm.RLIF, 9464, "9249-9259",
                OperatorSettings.DEFAULT);
    }
}
