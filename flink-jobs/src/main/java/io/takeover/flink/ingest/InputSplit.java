package io.takeover.flink.ingest;

import io.takeover.schemas.DeadLetter;
import io.takeover.schemas.Step;
import io.takeover.schemas.wire.ContractTrust;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Splits the decoded input: steps on, interventions to {@link #INTERVENTIONS}, dead letters to
 * {@link DeadLetters#TAG}, counted by reason.
 */
public final class InputSplit extends ProcessFunction<InputRecord, Step> {

    static {
        ContractTrust.ensure();
    }

    public static final OutputTag<SourcedIntervention> INTERVENTIONS = new OutputTag<>("interventions") {};

    private transient MetricGroup metrics;
    private transient Map<String, Counter> counters;

    @Override
    public void open(OpenContext context) {
        metrics = getRuntimeContext().getMetricGroup().addGroup("dead_letters");
        counters = new HashMap<>();
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<Step> out) {
        if (record.getStep() != null) {
            out.collect(record.getStep());
        } else if (record.getIntervention() != null) {
            ctx.output(INTERVENTIONS, new SourcedIntervention(record.getSource(), record.getIntervention()));
        } else {
            DeadLetter deadLetter = record.getDeadLetter();
            counters.computeIfAbsent(deadLetter.getReason(), metrics::counter).inc();
            ctx.output(DeadLetters.TAG, deadLetter);
        }
    }
}
