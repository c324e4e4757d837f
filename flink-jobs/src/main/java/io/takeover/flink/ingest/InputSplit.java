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
    private transient Counter stepsIn;
    private transient Counter interventionsIn;

    @Override
    public void open(OpenContext context) {
        metrics = getRuntimeContext().getMetricGroup();
        counters = new HashMap<>();
        MetricGroup pipeline = metrics.addGroup("pipeline");
        stepsIn = pipeline.counter("steps_in");
        interventionsIn = pipeline.counter("interventions_in");
    }

    @Override
    public void processElement(InputRecord record, Context ctx, Collector<Step> out) {
        if (record.getStep() != null) {
            stepsIn.inc();
            out.collect(record.getStep());
        } else if (record.getIntervention() != null) {
            interventionsIn.inc();
            ctx.output(INTERVENTIONS, new SourcedIntervention(record.getSource(), record.getIntervention()));
        } else {
            DeadLetter deadLetter = record.getDeadLetter();
            // the reason is a key-value group: a label, not part of the name, in Prometheus
            counters.computeIfAbsent(deadLetter.getReason(),
                    reason -> metrics.addGroup("reason", reason).counter("dead_letters")).inc();
            ctx.output(DeadLetters.TAG, deadLetter);
        }
    }
}
