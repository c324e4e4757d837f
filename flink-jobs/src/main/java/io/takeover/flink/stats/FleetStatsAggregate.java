package io.takeover.flink.stats;

import org.apache.flink.api.common.functions.AggregateFunction;

/**
 * Adds up counts within a window, in one of two stages: {@link #perRobot()} adds one robot's
 * partial counts as that one robot, so that no single key sees the whole fleet and no state
 * holds a set of robots; {@link #perVersion()} adds the robots' totals of a task × policy
 * version, robots included.
 */
public final class FleetStatsAggregate
        implements AggregateFunction<StatsAccumulator, StatsAccumulator, StatsAccumulator> {

    private final boolean oneRobot;

    private FleetStatsAggregate(boolean oneRobot) {
        this.oneRobot = oneRobot;
    }

    public static FleetStatsAggregate perRobot() {
        return new FleetStatsAggregate(true);
    }

    public static FleetStatsAggregate perVersion() {
        return new FleetStatsAggregate(false);
    }

    @Override
    public StatsAccumulator createAccumulator() {
        return new StatsAccumulator();
    }

    @Override
    public StatsAccumulator add(StatsAccumulator counts, StatsAccumulator acc) {
        return merge(acc, counts);
    }

    @Override
    public StatsAccumulator getResult(StatsAccumulator acc) {
        return acc;
    }

    @Override
    public StatsAccumulator merge(StatsAccumulator a, StatsAccumulator b) {
        a.merge(b);
        if (oneRobot) {
            a.setRobots(1);
        }
        return a;
    }
}
