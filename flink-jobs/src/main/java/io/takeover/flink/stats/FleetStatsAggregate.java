package io.takeover.flink.stats;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Sums the per-robot window totals of one task × policy version: robots add up to the fleet. */
public final class FleetStatsAggregate
        implements AggregateFunction<StatsAccumulator, StatsAccumulator, StatsAccumulator> {

    @Override
    public StatsAccumulator createAccumulator() {
        return new StatsAccumulator();
    }

    @Override
    public StatsAccumulator add(StatsAccumulator robot, StatsAccumulator acc) {
        acc.merge(robot);
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
