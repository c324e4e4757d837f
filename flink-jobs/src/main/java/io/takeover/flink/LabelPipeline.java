package io.takeover.flink;

import io.takeover.flink.ingest.DeadLetters;
import io.takeover.flink.ingest.InputDecoder;
import io.takeover.flink.ingest.InputRecord;
import io.takeover.flink.ingest.InputSplit;
import io.takeover.flink.ingest.InputWatermarks;
import io.takeover.flink.ingest.InputValidator;
import io.takeover.flink.ingest.RegistryDirectory;
import io.takeover.flink.ingest.TaskDirectory;
import io.takeover.flink.ingest.SourcedIntervention;
import io.takeover.flink.label.TakeoverLabelOperator;
import io.takeover.flink.stats.CumulativeStats;
import io.takeover.flink.stats.FleetStatsAggregate;
import io.takeover.flink.stats.FleetStatsWindow;
import io.takeover.flink.stats.StatsAccumulator;
import io.takeover.flink.stats.StatsCombiner;
import io.takeover.flink.stats.StatsTime;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The label job's topology, independent of where records come from and go: split off dead
 * letters (steps of unregistered tasks among them), label with RLIF per robot in event time, and count fleet statistics. The input,
 * steps and interventions in one stream, arrives decoded (see {@link #decoder}) with
 * event-time watermarks (see {@link #watermarks}).
 */
public final class LabelPipeline {

    /** What the topology produces; fleet statistics come per window and cumulative. */
    public record Outputs(DataStream<Transition> transitions, DataStream<FleetStats> fleetStats,
            DataStream<DeadLetter> deadLetters) {}

    /** Decodes the input and checks each step against its task in the registry ({@code takeover.tasks}). */
    public static InputDecoder decoder(LabelJobSettings settings) {
        return decoder(settings, RegistryDirectory.factory(settings.kafka()));
    }

    public static InputDecoder decoder(LabelJobSettings settings, TaskDirectory.Factory tasks) {
        return new InputDecoder(settings.topics().steps(), new InputValidator(settings.maxFutureSkew()),
                settings.maxRecordBytes(), tasks);
    }

    /**
     * Per Kafka partition, steps and interventions alike, so that after a restart neither input
     * runs ahead of the other; see {@link InputWatermarks} for when a partition stops counting.
     */
    public static WatermarkStrategy<InputRecord> watermarks(LabelJobSettings settings) {
        long outOfOrderness = settings.outOfOrderness().toMillis();
        long stepIdle = settings.idlePartition().toMillis();
        long interventionIdle = Math.max(100, settings.label().allowedLateness().toMillis() / 2);
        return WatermarkStrategy.<InputRecord>forGenerator(
                        context -> new InputWatermarks(outOfOrderness, stepIdle, interventionIdle))
                .withTimestampAssigner((record, kafkaTimestamp) -> record.eventTime());
    }

    public static Outputs build(DataStream<InputRecord> input, LabelJobSettings settings) {
        SingleOutputStreamOperator<Step> steps = input
                .process(new InputSplit(), TypeInformation.of(Step.class))
                .name("split-input").uid("split-input");
        DataStream<SourcedIntervention> interventions = steps.getSideOutput(InputSplit.INTERVENTIONS);

        SingleOutputStreamOperator<Transition> transitions = steps.keyBy(Step::getRobotId)
                .connect(interventions.keyBy(SourcedIntervention::robotId))
                .transform("rlif-label", TypeInformation.of(Transition.class),
                        new TakeoverLabelOperator(settings.label()))
                .uid("rlif-label");

        // Counted where the steps are read, then per robot (many keys), then per task × policy version.
        StatsTime time = StatsTime.of(settings.statsWindow(), settings.label().allowedLateness());
        DataStream<FleetStats> fleetStats = steps
                .transform("combine-stats", TypeInformation.of(StatsAccumulator.class), new StatsCombiner(time))
                .uid("combine-stats")
                .union(transitions.filter(Transition::getTakeover).map(StatsAccumulator::ofTakeover)
                        .name("takeover-stats").uid("takeover-stats"))
                .keyBy(StatsAccumulator::robotKey)
                .window(time.windows())
                .aggregate(FleetStatsAggregate.perRobot(), TypeInformation.of(StatsAccumulator.class),
                        TypeInformation.of(StatsAccumulator.class))
                .name("robot-stats").uid("robot-stats")
                .keyBy(StatsAccumulator::key)
                .window(time.windows())
                .aggregate(FleetStatsAggregate.perVersion(), new FleetStatsWindow(time),
                        TypeInformation.of(StatsAccumulator.class), TypeInformation.of(StatsAccumulator.class),
                        TypeInformation.of(FleetStats.class))
                .name("fleet-stats").uid("fleet-stats")
                .keyBy(stats -> stats.getTask() + "@" + stats.getPolicyVersion())
                .process(new CumulativeStats(), TypeInformation.of(FleetStats.class))
                .name("cumulative-fleet-stats").uid("cumulative-fleet-stats");

        DataStream<DeadLetter> deadLetters = steps.getSideOutput(DeadLetters.TAG)
                .union(transitions.getSideOutput(DeadLetters.TAG));
        return new Outputs(transitions, fleetStats, deadLetters);
    }

    private LabelPipeline() {}
}
