package io.takeover.flink.stats;

import io.takeover.schemas.FleetStats;
import io.takeover.schemas.wire.ContractTrust;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Passes each window's statistics on and adds the running totals of its task × policy version
 * ({@code cumulative = true}; {@code robots} is then the most robots seen in one window). The
 * totals are also Flink gauges, labelled by task and policy version.
 */
public final class CumulativeStats extends KeyedProcessFunction<String, FleetStats, FleetStats> {

    static {
        ContractTrust.ensure();
    }

    private transient ValueState<FleetStats> totals;
    private transient Map<String, FleetStats> latest;
    private transient MetricGroup metrics;

    @Override
    public void open(OpenContext context) {
        totals = getRuntimeContext().getState(new ValueStateDescriptor<>("cumulative", FleetStats.class));
        latest = new HashMap<>();
        metrics = getRuntimeContext().getMetricGroup().addGroup("fleet");
    }

    @Override
    public void processElement(FleetStats window, Context ctx, Collector<FleetStats> out) throws Exception {
        out.collect(window);
        FleetStats sum = totals.value();
        if (sum == null) {
            sum = FleetStats.newBuilder(window).setCumulative(true).build();
        } else {
            sum.setWindowEnd(window.getWindowEnd());
            sum.setRobots(Math.max(sum.getRobots(), window.getRobots()));
            sum.setSteps(sum.getSteps() + window.getSteps());
            sum.setTakeovers(sum.getTakeovers() + window.getTakeovers());
            sum.setEpisodes(sum.getEpisodes() + window.getEpisodes());
            sum.setSuccesses(sum.getSuccesses() + window.getSuccesses());
        }
        sum.setTakeoversPer1kSteps(sum.getSteps() == 0 ? 0 : 1000.0 * sum.getTakeovers() / sum.getSteps());
        totals.update(sum);
        out.collect(sum);
        if (latest.put(ctx.getCurrentKey(), sum) == null) {
            register(ctx.getCurrentKey(), sum.getTask(), sum.getPolicyVersion());
        }
    }

    private void register(String key, String task, long version) {
        MetricGroup group = metrics.addGroup("task", task).addGroup("policy_version", String.valueOf(version));
        group.gauge("steps", () -> latest.get(key).getSteps());
        group.gauge("takeovers", () -> latest.get(key).getTakeovers());
        group.gauge("takeovers_per_1k_steps", () -> latest.get(key).getTakeoversPer1kSteps());
        group.gauge("episodes", () -> latest.get(key).getEpisodes());
        group.gauge("successes", () -> latest.get(key).getSuccesses());
    }
}
