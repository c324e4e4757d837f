package io.takeover.flink;

import io.takeover.flink.label.LabelSettings;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.ParameterTool;

/**
 * Entry point on a Flink cluster:
 * {@code flink run -c io.takeover.flink.LabelJobMain takeover-flink-jobs-job.jar --bootstrap-servers kafka:9092
 * --checkpoint-dir s3://bucket/takeover/checkpoints}. Tasks come from the registry ({@code takeover.tasks}).
 */
public final class LabelJobMain {

    static final String USAGE = """
            Options:
              --bootstrap-servers HOST:PORT   Kafka (required, unless the --kafka-config file sets bootstrap.servers)
              --kafka-config FILE             client properties for every Kafka client (security.protocol, SASL, TLS)
              --checkpoint-dir URI            durable checkpoint location, e.g. s3://bucket/path (required)
              --topic-prefix PREFIX           default takeover.
              --parallelism N                 default 2
              --checkpoint-interval-ms MS     default 2000: transitions become readable at each checkpoint
              --allowed-lateness-ms MS        default 2000
              --quiet-after-ms MS             default 3000: with the input quiet this long past the allowed
                                              lateness, waiting steps are labelled anyway
              --pre-takeover-steps K          default 10
              --takeover-ends-episode         the takeover transition is terminal for the critic
            """;

    public static void main(String[] args) throws Exception {
        LabelJobSettings settings;
        try {
            settings = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("takeover-label: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
            return;
        }
        LabelJob job = new LabelJob(settings);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(job.configuration());
        JobClient client = job.start(env);
        System.out.println("takeover-label: submitted as job " + client.getJobID());
        // `flink run -d`, the REST API and application mode return at once; `flink run` waits for the job
        if (env.getConfiguration().get(DeploymentOptions.ATTACHED)) {
            client.getJobExecutionResult().get();
        }
    }

    /** The settings these program arguments ask for; a wrong or missing one says which and what it wants. */
    public static LabelJobSettings parse(String... args) {
        return parse(ParameterTool.fromArgs(args));
    }

    static LabelJobSettings parse(ParameterTool params) {
        String checkpoints = required(params, "checkpoint-dir");
        if (!params.has("kafka-config")) {
            required(params, "bootstrap-servers");
        }
        KafkaConnection kafka = KafkaConnection.of(params.get("bootstrap-servers"),
                params.has("kafka-config") ? Path.of(params.get("kafka-config")) : null,
                params.get("topic-prefix", Topics.DEFAULT_PREFIX));
        LabelSettings label = LabelSettings.DEFAULT
                .withAllowedLateness(Duration.ofMillis(params.getLong("allowed-lateness-ms", 2000)))
                .withQuietAfter(Duration.ofMillis(params.getLong("quiet-after-ms", 3000)))
                .withPreTakeoverSteps(params.getInt("pre-takeover-steps", 10))
                .withTakeoverEndsEpisode(params.has("takeover-ends-episode"));
        return LabelJobSettings.local(kafka, checkpoints)
                .withParallelism(params.getInt("parallelism", 2))
                .withCheckpointInterval(Duration.ofMillis(params.getLong("checkpoint-interval-ms", 2000)))
                .withLabel(label);
    }

    private static String required(ParameterTool params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private LabelJobMain() {}
}
