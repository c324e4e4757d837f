package io.takeover.flink;

import io.takeover.flink.ingest.InputDecoder;
import io.takeover.flink.ingest.InputRecord;
import io.takeover.flink.ingest.RawRecord;
import io.takeover.flink.label.LabelSettings;
import io.takeover.schemas.kafka.KafkaConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The label pipeline at parallelism 2 on a MiniCluster, fed raw records as the Kafka source
 * hands them over (pendulum, 3×1; 1 s allowed lateness, 1 s statistics windows). Collect the
 * outputs, then {@code env().execute(...)}.
 */
record PipelineRun(StreamExecutionEnvironment env, LabelPipeline.Outputs out) {

    /** A source cannot be empty: this stands for no registrations and is filtered out. */
    private static final RawRecord NO_TASKS = new RawRecord("(no tasks)", 0, 0, 0, null, null);

    static PipelineRun of(List<RawRecord> input) {
        return of(input, List.of(), Map.of("pendulum", new int[] {3, 1}));
    }

    /**
     * @param tasks     registrations arriving while the job runs (records of {@code takeover.tasks})
     * @param submitted tasks registered when the job was submitted: task → {obs_dim, act_dim}
     */
    static PipelineRun of(List<RawRecord> input, List<RawRecord> tasks, Map<String, int[]> submitted) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        LabelJobSettings settings = LabelJobSettings.local(KafkaConnection.to("unused:9092"), "file:///tmp/unused",
                submitted).withParallelism(2).withOutOfOrderness(Duration.ofMillis(200))
                .withStatsWindow(Duration.ofSeconds(1))
                .withLabel(LabelSettings.DEFAULT.withAllowedLateness(Duration.ofSeconds(1)));
        InputDecoder decoder = LabelPipeline.decoder(settings);
        return new PipelineRun(env, LabelPipeline.build(env.fromData(input, TypeInformation.of(RawRecord.class))
                .map(decoder::decode).returns(InputRecord.class)
                .assignTimestampsAndWatermarks(LabelPipeline.watermarks(settings)),
                env.fromData(tasks.isEmpty() ? List.of(NO_TASKS) : tasks, TypeInformation.of(RawRecord.class))
                        .filter(r -> !r.getTopic().equals(NO_TASKS.getTopic()))
                        .assignTimestampsAndWatermarks(LabelPipeline.taskWatermarks()),
                settings));
    }
}
