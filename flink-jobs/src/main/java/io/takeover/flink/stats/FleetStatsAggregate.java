package io.takeover.flink.stats;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums the deltas of one task × policy version in a window. */
public final class FleetStatsAggregate implements AggregateFunction<StatsDelta, StatsAccumulator, StatsAccumulator> {

    @Override
    public StatsAccumulator createAccumulator() {
        return new StatsAccumulator();
    }

    @Override
    public StatsAccumulator add(StatsDelta delta, StatsAccumulator acc) {
        acc.add(delta);
        return acc;
    }

    @Override
    public StatsAccumulator getResult(StatsAccumulator acc) {
        return acc;
    }

    @Override
    public StatsAccumulator merge(StatsAccumulator a, StatsAccumulator b) {
        a.merge(b);
        return a;
    }
}
