package io.takeover.flink;

import io.takeover.flink.label.LabelSettings;
import io.takeover.schemas.Topics;
import io.takeover.schemas.kafka.KafkaConnection;
import java.io.Serializable;
import java.time.Duration;

/**
 * Everything the label job can be told, validated once.
 *
 * @param kafka              Kafka to read from and write to: servers, client properties, topic prefix
 * @param label              the RLIF labelling choices
 * @param outOfOrderness     how far event times within one step partition may run backwards
 * @param idlePartition      a step partition silent this long (processing time) stops holding the
 *                           watermark back; too short, and a partition slow to resume after a
 *                           restart sees its steps arrive late (intervention partitions go idle
 *                           after half the allowed lateness)
 * @param statsWindow        event-time window of the fleet statistics
 * @param checkpointInterval exactly-once commits happen at each checkpoint: the output delay
 * @param checkpointDir      durable place for RocksDB checkpoints (a file:// or s3:// URI)
 * @param parallelism        operator parallelism
 * @param maxRecordBytes     larger input records are dead-lettered unread
 * @param maxFutureSkew      event times further ahead of the job's clock are dead-lettered
 */
public record LabelJobSettings(KafkaConnection kafka, LabelSettings label, Duration outOfOrderness,
        Duration idlePartition, Duration statsWindow, Duration checkpointInterval, String checkpointDir,
        int parallelism, int maxRecordBytes, Duration maxFutureSkew)
        implements Serializable {

    public LabelJobSettings {
        if (kafka == null) {
            throw new IllegalArgumentException("a Kafka connection is required");
        }
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be >= 1, got " + parallelism);
        }
        if (checkpointInterval.toMillis() < 100 || statsWindow.toMillis() < 100) {
            throw new IllegalArgumentException("checkpoint interval and stats window must be >= 100 ms");
        }
        if (outOfOrderness.isNegative() || idlePartition.toMillis() < 100) {
            throw new IllegalArgumentException("out-of-orderness must be >= 0 and the idle timeout >= 100 ms");
        }
    }

    /** Defaults that work on one machine. Every step is checked against its task in the registry ({@code takeover.tasks}). */
    public static LabelJobSettings local(KafkaConnection kafka, String checkpointDir) {
        return new LabelJobSettings(kafka, LabelSettings.DEFAULT, Duration.ofMillis(500),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(2), checkpointDir, 1,
                1 << 20, Duration.ofMinutes(5));
    }

    public Topics topics() {
        return kafka.topics();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public LabelJobSettings withTopics(Topics t) {
        return new LabelJobSettings(kafka.withTopics(t), label, outOfOrderness, idlePartition, statsWindow,
                checkpointInterval, checkpointDir, parallelism, maxRecordBytes, maxFutureSkew);
    }

    public LabelJobSettings withLabel(LabelSettings l) {
        return new LabelJobSettings(kafka, l, outOfOrderness, idlePartition, statsWindow,
                checkpointInterval, checkpointDir, parallelism, maxRecordBytes, maxFutureSkew);
    }

    public LabelJobSettings withOutOfOrderness(Duration d) {
        return new LabelJobSettings(kafka, label, d, idlePartition, statsWindow,
                checkpointInterval, checkpointDir, parallelism, maxRecordBytes, maxFutureSkew);
    }

    public LabelJobSettings withCheckpointInterval(Duration d) {
        return new LabelJobSettings(kafka, label, outOfOrderness, idlePartition, statsWindow,
                d, checkpointDir, parallelism, maxRecordBytes, maxFutureSkew);
    }

    public LabelJobSettings withParallelism(int p) {
        return new LabelJobSettings(kafka, label, outOfOrderness, idlePartition, statsWindow,
                checkpointInterval, checkpointDir, p, maxRecordBytes, maxFutureSkew);
    }

    public LabelJobSettings withStatsWindow(Duration d) {
        return new LabelJobSettings(kafka, label, outOfOrderness, idlePartition, d,
                checkpointInterval, checkpointDir, parallelism, maxRecordBytes, maxFutureSkew);
    }
}
