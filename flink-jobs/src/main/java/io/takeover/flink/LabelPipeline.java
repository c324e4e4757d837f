package io.takeover.flink;

import io.takeover.flink.ingest.DeadLetters;
import io.takeover.flink.ingest.Decoder;
import io.takeover.flink.ingest.InputValidator;
import io.takeover.flink.ingest.RawRecord;
import io.takeover.flink.ingest.SourcedIntervention;
import io.takeover.flink.label.TakeoverLabeler;
import io.takeover.flink.stats.CumulativeStats;
import io.takeover.flink.stats.FleetStatsAggregate;
import io.takeover.flink.stats.FleetStatsWindow;
import io.takeover.flink.stats.StatsAccumulator;
import io.takeover.flink.stats.StatsDelta;
import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.FleetStats;
import io.takeover.schemas.Step;
import io.takeover.schemas.Transition;
import io.takeover.schemas.wire.Codecs;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * The label job's topology, independent of where records come from and go: decode and
 * validate, label with RLIF per robot in event time, and count fleet statistics.
 */
public final class LabelPipeline {

    /** What the topology produces; fleet statistics come per window and cumulative. */
    public record Outputs(DataStream<Transition> transitions, DataStream<FleetStats> fleetStats,
            DataStream<DeadLetter> deadLetters) {}

    private static final Duration IDLE_INPUT = Duration.ofSeconds(5);

    public static Outputs build(DataStream<RawRecord> rawSteps, DataStream<RawRecord> rawInterventions,
            LabelJobSettings settings) {
        InputValidator validator = new InputValidator(settings.taskDims(), settings.maxFutureSkew());

        SingleOutputStreamOperator<Step> decodedSteps = rawSteps
                .process(new Decoder<Step, Step>(Codecs.STEP, validator::check, (raw, step) -> step,
                        settings.maxRecordBytes()), TypeInformation.of(Step.class))
                .name("decode-steps").uid("decode-steps");
        SingleOutputStreamOperator<SourcedIntervention> decodedInterventions = rawInterventions
                .process(new Decoder<>(Codecs.INTERVENTION, validator::check, SourcedIntervention::new,
                        settings.maxRecordBytes()), TypeInformation.of(SourcedIntervention.class))
                .name("decode-interventions").uid("decode-interventions");

        DataStream<Step> steps = decodedSteps.assignTimestampsAndWatermarks(
                WatermarkStrategy.<Step>forBoundedOutOfOrderness(settings.outOfOrderness())
                        .withTimestampAssigner((step, ts) -> step.getEventTime().toEpochMilli())
                        .withIdleness(IDLE_INPUT))
                .name("step-time").uid("step-time");
        DataStream<SourcedIntervention> interventions = decodedInterventions.assignTimestampsAndWatermarks(
                WatermarkStrategy.<SourcedIntervention>forBoundedOutOfOrderness(settings.outOfOrderness())
                        .withTimestampAssigner((iv, ts) -> iv.getIntervention().getEventTime().toEpochMilli())
                        .withIdleness(IDLE_INPUT))
                .name("intervention-time").uid("intervention-time");

        SingleOutputStreamOperator<Transition> transitions = steps.keyBy(Step::getRobotId)
                .connect(interventions.keyBy(SourcedIntervention::robotId))
                .process(new TakeoverLabeler(settings.label()), TypeInformation.of(Transition.class))
                .name("rlif-label").uid("rlif-label");

        DataStream<FleetStats> fleetStats = steps.map(StatsDelta::of).name("step-stats").uid("step-stats")
                .union(transitions.map(StatsDelta::of).name("takeover-stats").uid("takeover-stats"))
                .keyBy(StatsDelta::key)
                .window(TumblingEventTimeWindows.of(settings.statsWindow()))
                .aggregate(new FleetStatsAggregate(), new FleetStatsWindow(),
                        TypeInformation.of(StatsAccumulator.class), TypeInformation.of(StatsAccumulator.class),
                        TypeInformation.of(FleetStats.class))
                .name("fleet-stats").uid("fleet-stats")
                .keyBy(stats -> stats.getTask() + "@" + stats.getPolicyVersion())
                .process(new CumulativeStats(), TypeInformation.of(FleetStats.class))
                .name("cumulative-fleet-stats").uid("cumulative-fleet-stats");

        DataStream<DeadLetter> deadLetters = decodedSteps.getSideOutput(DeadLetters.TAG)
                .union(decodedInterventions.getSideOutput(DeadLetters.TAG), transitions.getSideOutput(DeadLetters.TAG));
        return new Outputs(transitions, fleetStats, deadLetters);
    }

    private LabelPipeline() {}
}
