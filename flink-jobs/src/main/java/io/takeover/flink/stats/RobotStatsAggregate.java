package io.takeover.flink.stats;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Adds up the partial counts of one robot at one task × policy version in a window, as one
 * robot: the first of two stages, so that no single key sees the whole fleet and no state
 * holds a set of robots.
 */
public final class RobotStatsAggregate
        implements AggregateFunction<StatsAccumulator, StatsAccumulator, StatsAccumulator> {

    @Override
    public StatsAccumulator createAccumulator() {
        return new StatsAccumulator();
    }

    @Override
    public StatsAccumulator add(StatsAccumulator partial, StatsAccumulator acc) {
        acc.merge(partial);
        acc.setRobots(1);
        return acc;
    }

    @Override
    public StatsAccumulator getResult(StatsAccumulator acc) {
        return acc;
    }

    @Override
    public StatsAccumulator merge(StatsAccumulator a, StatsAccumulator b) {
        a.merge(b);
        a.setRobots(1);
        return a;
    }
}
