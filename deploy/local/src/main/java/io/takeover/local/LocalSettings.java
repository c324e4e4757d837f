package io.takeover.local;

import io.takeover.learner.Algorithm;
import io.takeover.learner.LearnerSettings;
import io.takeover.robot.operator.OperatorSettings;
import io.takeover.runtime.release.ReleaseController;
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
 * @param hidden        width of the learner's hidden layers (three of them)
 * @param seed          seeds the fleet and the learner
 * @param critics       critics in the learner's ensemble: 2 (and 128 units, batch 128) keep a
 *                      2-core machine learning at ~100 gradient steps/s beside the rest of the
 *                      stack; RLPD's 10 critics of 256 units run at ~10 there
 * @param algorithm     RLIF or the HG-DAgger baseline
 * @param metricsPort   where Prometheus metrics are served (0: any free port)
 * @param jobMetricsPorts where Flink's Prometheus reporter serves the label job's metrics: the
 *                      first free port of the range
 * @param operator      how the simulated robots' scripted operators take over and control
 * @param topics        the contract's topics under this deployment's prefix
 * @param kafkaProperties client properties every Kafka client of the stack gets
 * @param updatesPerEnvStep gradient steps per environment step the learner is paced to (0: as
 *                      fast as it can)
 * @param demonstrations episodes the operator demonstrates into the prior table when it is empty
 * @param secured       the broker speaks SASL_SSL with ACLs, and each part connects as its own
 *                      principal ({@link PartConnections}); plaintext by default
 * @param releases      how release channels follow the learner's candidates: auto-promotion by
 *                      default, so every new version reaches the robots at once
 * @param consolePort   the operator console's HTTP port on 127.0.0.1 (0: any free port; {@link #NO_CONSOLE}:
 *                      no console). {@code takeover local} serves it on {@link #DEFAULT_CONSOLE_PORT}; stacks
 *                      built here run without one unless they ask, so that tests and experiments neither
 *                      take that port nor share their cores with the console
 */
public record LocalSettings(Path dataDir, int robots, int kafkaPort, String task, int hz, long minReplaySize,
        int publishEvery, int batchSize, int hidden, long seed, int critics, Algorithm algorithm, int metricsPort, String jobMetricsPorts,
        OperatorSettings operator, Topics topics, Map<String, String> kafkaProperties, double updatesPerEnvStep,
        int demonstrations, boolean secured, ReleaseController.Settings releases, int consolePort) {

    /** Gradient steps per environment step by default. */
    public static final double DEFAULT_UPDATES_PER_ENV_STEP = 1;
    /**
     * Gradient steps between published policies by default: at ~140 steps/s a version every ~7 s,
     * so that each runs ~1,000 environment steps and its takeover rate means something.
     */
    public static final int DEFAULT_PUBLISH_EVERY = 1000;
    /** Demonstration episodes by default. */
    public static final int DEFAULT_DEMONSTRATIONS = 20;
    /** The console's port of {@code takeover local}. */
    public static final int DEFAULT_CONSOLE_PORT = 8080;
    /** {@link #consolePort} of a stack without a console. */
    public static final int NO_CONSOLE = -1;

    public LocalSettings {
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (consolePort < NO_CONSOLE || consolePort > 65535) {
            throw new IllegalArgumentException("the console's port must be 0..65535, or " + NO_CONSOLE
                    + " for no console; got " + consolePort);
        }
    }

    /** Whether the stack serves the operator console. */
    public boolean console() {
        return consolePort != NO_CONSOLE;
    }

    /** Settings for a stack in {@code dataDir}, starting from the defaults that run on one machine. */
    public static Builder in(Path dataDir) {
        return new Builder(dataDir);
    }

    /** The same settings, to change a few. */
    public Builder toBuilder() {
        Builder b = new Builder(dataDir);
        b.robots = robots;
        b.kafkaPort = kafkaPort;
        b.task = task;
        b.hz = hz;
        b.minReplaySize = minReplaySize;
        b.publishEvery = publishEvery;
        b.batchSize = batchSize;
        b.hidden = hidden;
        b.seed = seed;
        b.critics = critics;
        b.algorithm = algorithm;
        b.metricsPort = metricsPort;
        b.jobMetricsPorts = jobMetricsPorts;
        b.operator = operator;
        b.topics = topics;
        b.kafkaProperties = kafkaProperties;
        b.updatesPerEnvStep = updatesPerEnvStep;
        b.demonstrations = demonstrations;
        b.secured = secured;
        b.releases = releases;
        b.consolePort = consolePort;
        return b;
    }

    /** Named steps instead of sixteen positions; each starts at its default. */
    public static final class Builder {
        private final Path dataDir;
        private int robots = 8;
        private int kafkaPort = 9092;
        private String task = "pendulum";
        private int hz = 20;
        private long minReplaySize = LearnerSettings.MIN_REPLAY_SIZE;
        private int publishEvery = DEFAULT_PUBLISH_EVERY;
        private int batchSize = 128;
        private int hidden = 128;
        private long seed = 42;
        private int critics = 2;
        private Algorithm algorithm = Algorithm.RLIF;
        private int metricsPort = 9464;
        private String jobMetricsPorts = "9249-9259";
        private OperatorSettings operator = OperatorSettings.DEFAULT;
        private Topics topics = Topics.DEFAULT;
        private Map<String, String> kafkaProperties = Map.of();
        private double updatesPerEnvStep = DEFAULT_UPDATES_PER_ENV_STEP;
        private int demonstrations = DEFAULT_DEMONSTRATIONS;
        private boolean secured;
        private ReleaseController.Settings releases = ReleaseController.Settings.of(ReleaseController.Mode.AUTO);
        private int consolePort = NO_CONSOLE;

        private Builder(Path dataDir) {
            this.dataDir = dataDir;
        }

        public Builder robots(int n) { robots = n; return this; }
        public Builder kafkaPort(int port) { kafkaPort = port; return this; }
        public Builder task(String name) { task = name; return this; }
        public Builder hz(int rate) { hz = rate; return this; }
        public Builder minReplaySize(long n) { minReplaySize = n; return this; }
        public Builder publishEvery(int steps) { publishEvery = steps; return this; }
        public Builder batchSize(int n) { batchSize = n; return this; }
        public Builder hidden(int width) { hidden = width; return this; }
        public Builder seed(long s) { seed = s; return this; }
        public Builder critics(int n) { critics = n; return this; }
        public Builder algorithm(Algorithm a) { algorithm = a; return this; }
        public Builder metricsPort(int port) { metricsPort = port; return this; }
        public Builder jobMetricsPorts(String range) { jobMetricsPorts = range; return this; }
        public Builder operator(OperatorSettings o) { operator = o; return this; }
        public Builder updatesPerEnvStep(double ratio) { updatesPerEnvStep = ratio; return this; }
        public Builder demonstrations(int episodes) { demonstrations = episodes; return this; }
        public Builder secured(boolean on) { secured = on; return this; }
        public Builder releases(ReleaseController.Settings r) { releases = r; return this; }
        /** Serve the operator console on this port (0: any free one; {@link #NO_CONSOLE}: none, the default). */
        public Builder consolePort(int port) { consolePort = port; return this; }

        /** Another topic prefix and client properties for every Kafka client of the stack. */
        public Builder kafka(Topics t, Map<String, String> properties) {
            topics = t;
            kafkaProperties = properties;
            return this;
        }

        public LocalSettings build() {
            return new LocalSettings(dataDir, robots, kafkaPort, task, hz, minReplaySize, publishEvery, batchSize, hidden, seed,
                    critics, algorithm, metricsPort, jobMetricsPorts, operator, topics, kafkaProperties,
                    updatesPerEnvStep, demonstrations, secured, releases, consolePort);
        }
    }
}
