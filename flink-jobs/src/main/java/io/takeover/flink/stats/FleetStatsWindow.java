package io.takeover.flink.stats;

import io.takeover.schemas.wire.ContractTrust;
import io.takeover.schemas.FleetStats;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a window's totals into the {@code FleetStats} record, its bounds in event time. */
public final class FleetStatsWindow extends ProcessWindowFunction<StatsAccumulator, FleetStats, String, TimeWindow> {

    static {
        ContractTrust.ensure();
    }

    private final StatsTime time;

    public FleetStatsWindow(StatsTime time) {
        this.time = time;
    }

    @Override
    public void process(String key, Context ctx, Iterable<StatsAccumulator> totals, Collector<FleetStats> out) {
        for (StatsAccumulator acc : totals) {
            out.collect(FleetStats.newBuilder()
                    .setTask(acc.getTask()).setPolicyVersion(acc.getPolicyVersion())
                    .setWindowStart(Instant.ofEpochMilli(time.unshift(ctx.window().getStart())))
                    .setWindowEnd(Instant.ofEpochMilli(time.unshift(ctx.window().getEnd())))
                    .setRobots(acc.getRobots()).setSteps(acc.getSteps()).setTakeovers(acc.getTakeovers())
                    .setTakeoversPer1kSteps(acc.getSteps() == 0 ? 0 : 1000.0 * acc.getTakeovers() / acc.getSteps())
                    .setEpisodes(acc.getEpisodes()).setSuccesses(acc.getSuccesses()).build());
        }
    }
}
