package io.takeover.flink;

import io.takeover.flink.ingest.InputDecoder;
import io.takeover.flink.ingest.InputRecord;
import io.takeover.flink.ingest.RawRecord;
import io.takeover.flink.ingest.TaskDirectory;
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
 * hands them over (registered: pendulum, 3×1, unless said otherwise; 1 s allowed lateness, 1 s statistics windows). Collect the
 * outputs, then {@code env().execute(...)}.
 */
record PipelineRun(StreamExecutionEnvironment env, LabelPipeline.Outputs out) {

    static PipelineRun of(List<RawRecord> input) {
        return of(input, Map.of("pendulum", new int[] {3, 1}));
    }

    /** @param tasks the registered tasks: task → {obs_dim, act_dim} */
    static PipelineRun of(List<RawRecord> input, Map<String, int[]> tasks) {
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        LabelJobSettings settings = LabelJobSettings.local(KafkaConnection.to("unused:9092"), "file:///tmp/unused")
                .withParallelism(2).withOutOfOrderness(Duration.ofMillis(200))
                .withStatsWindow(Duration.ofSeconds(1))
                .withLabel(LabelSettings.DEFAULT.withAllowedLateness(Duration.ofSeconds(1)));
        InputDecoder decoder = LabelPipeline.decoder(settings, TaskDirectory.of(tasks));
        return new PipelineRun(env, LabelPipeline.build(env.fromData(input, TypeInformation.of(RawRecord.class))
                .map(decoder::decode).returns(InputRecord.class)
                .assignTimestampsAndWatermarks(LabelPipeline.watermarks(settings)), settings));
    }
}
