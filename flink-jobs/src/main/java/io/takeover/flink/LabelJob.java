package io.takeover.flink;

import io.takeover.schemas.kafka.KafkaAccess;
import io.takeover.flink.ingest.InputDeserializer;
import io.takeover.flink.ingest.InputRecord;
import io.takeover.flink.sink.KeyedWireSerializer;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import io.takeover.schemas.wire.WireCodec;
import java.util.Properties;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Wires the label pipeline to Kafka: reads steps and interventions, writes transitions,
 * fleet statistics and dead letters with exactly-once delivery, RocksDB state and
 * incremental checkpoints.
 */
public final class LabelJob {

    public static final String NAME = KafkaAccess.LABEL_JOB_IDS;

    /**
     * What Flink's Prometheus reporter should export of this job ({@code metrics.reporter.prom.filter.includes}):
     * its own groups, named as Prometheus expects (Flink's built-in metrics are camelCase).
     */
    public static final String METRICS_FILTER = "*.labels:*;*.pipeline:*;*:dead_letters;*.fleet.*:*";

    private final LabelJobSettings settings;

    public LabelJob(LabelJobSettings settings) {
        this.settings = settings;
    }

    /** Submits the job to the environment's cluster (a MiniCluster when run locally). */
    public JobClient start(StreamExecutionEnvironment env) throws Exception {
        wire(env);
        return env.executeAsync(NAME);
    }

    /** The environment this job wants: RocksDB, incremental checkpoints, no Kryo fallback. */
    public Configuration configuration() {
        Configuration conf = new Configuration();
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, settings.checkpointDir());
        conf.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 3);
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        // No function keeps or changes a record after emitting it: chained operators share it.
        conf.set(PipelineOptions.OBJECT_REUSE, true);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        return conf;
    }

    void wire(StreamExecutionEnvironment env) {
        env.setParallelism(settings.parallelism());
        env.enableCheckpointing(settings.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);

        // One source for both inputs: one consumer per reader fetches steps and interventions
        // together, and per-partition watermarks keep either from running ahead.
        DataStream<InputRecord> input = env.fromSource(source(), LabelPipeline.watermarks(settings),
                "steps+interventions").uid("input-source");

        LabelPipeline.Outputs out = LabelPipeline.build(input, settings);
        out.transitions().sinkTo(sink(settings.topics().transitions(), "transitions",
                Transition::getRobotId, Codecs.TRANSITION)).name("transitions-sink").uid("transitions-sink");
        out.fleetStats().sinkTo(sink(settings.topics().fleetStats(), "fleet-stats",
                FleetStats::getTask, Codecs.FLEET_STATS)).name("fleet-stats-sink").uid("fleet-stats-sink");
        out.deadLetters().sinkTo(sink(settings.topics().deadLetters(), "dead-letters",
                DeadLetter::getSourceTopic, Codecs.DEAD_LETTER)).name("dead-letters-sink")
                .uid("dead-letters-sink");
    }

    /** Steps and interventions, decoded at the source, read as this job's consumer group. */
    public KafkaSource<InputRecord> source() {
        return source(settings.topics().prefix() + NAME);
    }

    /** The same input, read as another consumer group. */
    public KafkaSource<InputRecord> source(String groupId) {
        return KafkaSource.<InputRecord>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setProperties(settings.kafka().clientProperties())
                .setTopics(settings.topics().steps(), settings.topics().interventions())
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(new InputDeserializer(LabelPipeline.decoder(settings)))
                .setProperty("partition.discovery.interval.ms", "30000")
                // A reader drains one partition's fetched chunk before the next; small (compressed)
                // chunks keep its partitions, and so their watermarks, close in event time.
                .setProperty("max.partition.fetch.bytes", String.valueOf(32 << 10))
                .build();
    }

    /** An exactly-once sink of records of the contract. */
    public <T> KafkaSink<T> sink(String topic, String name, KeyedWireSerializer.KeyOf<T> key, WireCodec<T> codec) {
        Properties producer = settings.kafka().clientProperties();
        // below the broker's default transaction.max.timeout.ms (15 min)
        producer.setProperty("transaction.timeout.ms", "600000");
        return KafkaSink.<T>builder()
                .setBootstrapServers(settings.bootstrapServers())
                .setKafkaProducerConfig(producer)
                .setRecordSerializer(new KeyedWireSerializer<>(topic, key, codec))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(settings.topics().prefix() + NAME + "-" + name)
                .build();
    }
}
